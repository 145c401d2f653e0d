/**
 * The comparison: Hive Gateway's runtime (as installed) over the same supergraph SDL, on node:http.
 * No CDN, no usage reporting (no `reporting` option, SDL given inline), logging off. Env: PORT,
 * SUPERGRAPH_PATH, SUBGRAPH_IDENTITY_SECRET, BENCH_HIVE_PLANNER.
 *
 * BENCH_HIVE_PLANNER=rust: the same runtime with Hive's Rust query planner
 * (`unifiedGraphHandler` from @graphql-hive/router-runtime, a native module) instead of the
 * JavaScript one: the strongest Node peer there is.
 *
 * Like the vanilla Apollo gateway, each request's caller is signed once and sent on all its subgraph
 * calls (bench/identity.ts; the token is not verified), so our subgraphs answer orders and payments.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { subgraphHeadersFor } from './identity';

const secret = process.env.SUBGRAPH_IDENTITY_SECRET ?? '';
/** Keyed by the client request: one signature per request, whatever its number of subgraph calls. */
const perRequest = new WeakMap<Request, Record<string, string>>();

const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8'),
  ...(process.env.BENCH_HIVE_PLANNER === 'rust' ? { unifiedGraphHandler } : {}),
  logging: false,
  // Its own request-id plugin would overwrite the x-request-id the identity is bound to.
  requestId: false,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      let headers = perRequest.get(request);
      if (!headers) {
        headers = subgraphHeadersFor(request.headers.get('authorization'), secret);
        perRequest.set(request, headers);
      }
      return headers;
    },
  },
});
createServer(gateway).listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`hive gateway ready on ${process.env.PORT}\n`);
});
