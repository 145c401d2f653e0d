/**
 * The comparison: Hive Gateway's runtime (as installed) over the same supergraph SDL, on node:http.
 * No CDN, no usage reporting (no `reporting` option, SDL given inline), logging off. Env: PORT, SUPERGRAPH_PATH.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8'),
  logging: false,
});
createServer(gateway).listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`hive gateway ready on ${process.env.PORT}\n`);
});
