/**
 * The subscription benchmark's comparison process (bench/subscriptions.ts): Hive Gateway's runtime
 * (as installed) over the same supergraph SDL, serving graphql-ws on its GraphQL path the way its
 * own CLI does (`ws` WebSocketServer + `useServer(getGraphQLWSOptions(...))`), and subscribing to
 * the subgraphs with its stock WebSocket transport (@graphql-mesh/transport-ws, selected by
 * `transportEntries['*.http'].options.subscriptions.kind = 'ws'`). No CDN, no usage reporting,
 * logging off. Env: PORT, SUPERGRAPH_PATH, SUBGRAPH_IDENTITY_SECRET.
 *
 * Our subgraphs accept a WebSocket only from a gateway and run each subscription as the caller
 * signed in its subscribe message (subgraphs/shared/ws-server.ts), so this process does what
 * Frontdoor's upstream sockets do (gateway/src/subscriptions/upstream/subgraph-sockets.ts):
 *   - the upgrade carries an anonymous signed identity: as `subscriptions.headers`, which the WS
 *     transport puts on the upgrade request;
 *   - each subscription carries its caller's signed identity in `extensions.identity` (a plugin's
 *     `onSubgraphExecute`; the WS transport sends the execution request's extensions as is).
 * The caller's token is decoded, not verified (bench/identity.ts), as in bench/hive-gateway.ts.
 */
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime, getGraphQLWSOptions, type GatewayPlugin } from '@graphql-hive/gateway';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/shared/identity';
import { subgraphHeadersFor } from './identity';

const secret = process.env.SUBGRAPH_IDENTITY_SECRET ?? '';

/**
 * Hive's WS transport fixes the upgrade headers when it builds a connection's executor (and keys
 * its connections by them), so they cannot be re-signed per connection attempt as Frontdoor does
 * with its one-minute lifetime; signed once here, valid longer than any benchmark run.
 */
const UPGRADE_IDENTITY_TTL_MS = 24 * 3_600_000;
const UPGRADE_REQUEST_ID = 'hive-bench-upgrade';
const upgradeHeaders: Array<[string, string]> = [
  ['x-request-id', UPGRADE_REQUEST_ID],
  [IDENTITY_HEADER, signIdentity({ id: null, scopes: [] }, UPGRADE_REQUEST_ID, secret, UPGRADE_IDENTITY_TTL_MS)],
];

/** A signed identity is re-signed after this long: subgraphs refuse one older than a minute. */
const RESIGN_AFTER_MS = 30_000;

interface Signed {
  headers: Record<string, string>;
  signedAtMs: number;
}

/**
 * Keyed by the operation's context (graphql-ws builds one per subscribe message): one signature per
 * client subscription, shared by its upstream subscribe and any entity fetch its events need.
 */
const perOperation = new WeakMap<object, Signed>();

function identityFor(context: { connectionParams?: Record<string, string>; request?: Request }): Record<string, string> {
  const known = perOperation.get(context);
  const now = Date.now();
  if (known && now - known.signedAtMs < RESIGN_AFTER_MS) return known.headers;
  // Over WebSocket the token comes in connection_init (connectionParams), as Frontdoor's clients send it.
  const authorization = context.connectionParams?.authorization ?? context.request?.headers.get('authorization');
  const headers = subgraphHeadersFor(authorization, secret);
  perOperation.set(context, { headers, signedAtMs: now });
  return headers;
}

/** Puts the caller's signed identity where our subgraphs read it for a WebSocket subscription. */
const subscriptionIdentityPlugin: GatewayPlugin = {
  onSubgraphExecute({ executionRequest }) {
    if (executionRequest.operationType !== 'subscription' || !executionRequest.context) return;
    const extensions = (executionRequest.extensions ??= {});
    extensions.identity = identityFor(executionRequest.context);
  },
};

const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8'),
  logging: false,
  // Its own request-id plugin would overwrite the x-request-id the identity is bound to.
  requestId: false,
  transportEntries: {
    // Every HTTP subgraph subscribes over graphql-ws on its GraphQL path, as Frontdoor does.
    '*.http': { options: { subscriptions: { kind: 'ws', headers: upgradeHeaders } } },
  },
  // HTTP subgraph calls (entity fetches of BENCH_SUB_QUERY=enriched) carry the identity as headers.
  propagateHeaders: { fromClientToSubgraphs: ({ context }) => identityFor(context) },
  plugins: () => [subscriptionIdentityPlugin],
});

/** The upgrade request as a fetch Request, as Hive's CLI gives its WebSocket operations. */
function requestOf(req: IncomingMessage): Request {
  const headers = new gateway.fetchAPI.Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new gateway.fetchAPI.Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { headers });
}

const server = createServer(gateway);
const wsServer = new WebSocketServer({ path: gateway.graphqlEndpoint, server });
useServer(
  getGraphQLWSOptions<Record<string, unknown>, Extra>(gateway, (ctx) => ({ req: ctx.extra.request, socket: ctx.extra.socket, request: requestOf(ctx.extra.request) })),
  wsServer,
);
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`hive gateway (subscriptions) ready on ${process.env.PORT}\n`);
});
