/**
 * The comparison: Hive Gateway's runtime (as installed) over the same supergraph SDL, on node:http.
 * No CDN, no usage reporting (no `reporting` option, SDL given inline), logging off. Env: PORT,
 * SUPERGRAPH_PATH, SUBGRAPH_IDENTITY_SECRET. Like the vanilla Apollo gateway, each subgraph call
 * carries an `admin` identity so our subgraphs answer orders and payments (see apollo-gateway.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/shared/identity';

const secret = process.env.SUBGRAPH_IDENTITY_SECRET ?? '';

const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8'),
  logging: false,
  // Its own request-id plugin would overwrite the x-request-id the identity is bound to.
  requestId: false,
  propagateHeaders: {
    fromClientToSubgraphs: () => {
      const requestId = randomUUID();
      return { 'x-request-id': requestId, [IDENTITY_HEADER]: signIdentity({ id: 'bench-client', scopes: ['admin'] }, requestId, secret) };
    },
  },
});
createServer(gateway).listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`hive gateway ready on ${process.env.PORT}\n`);
});
