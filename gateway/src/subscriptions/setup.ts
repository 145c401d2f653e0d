import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { Registry } from 'prom-client';
import type { Authenticator } from '../auth/authenticate';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import type { ClientRegistry } from '../clients/client-registry';
import type { Config } from '../config';
import type { GatewayContext } from '../context';
import { SubgraphDataSource } from '../datasource/subgraph-datasource';
import type { GatewayRequest, UpgradeHandler } from '../edge/request-types';
import { subgraphConnectTls } from '../edge/subgraph-tls';
import { formatError } from '../errors';
import { QueryPlanners } from '../execution/query-planners';
import type { Limits } from '../limits/limits';
import type { Logger } from '../logger';
import type { SubgraphLayer } from '../wiring/subgraph-layer';
import { streamDoor, type PreparedStream } from './http/stream-door';
import { SubscriptionMetrics } from './subscription-metrics';
import { SubscriptionRegistry } from './subscription-registry';
import { SubscriptionService } from './subscription-service';
import { TokenWatch } from './token-watch';
import { SubgraphSockets } from './upstream/subgraph-sockets';
import { UpstreamHub } from './upstream/upstream-hub';
import { attachWebSocketDoor, type WebSocketDoor } from './ws/ws-door';
import type { WsOperationDeps } from './ws/ws-operation';

export interface SubscriptionsDeps {
  gateway: ApolloGateway;
  /** The data sources (per-event fetches), replica sets and TLS the HTTP calls use. */
  subgraphs: Pick<SubgraphLayer, 'services' | 'replicas'>;
  /** Filter mode's decisions (absent in reject mode, where the plugin refuses before). */
  authorization: AuthorizationDecisions | undefined;
  authenticator: Authenticator;
  /** The gateway's Prometheus registry. */
  registry: Registry;
  log: Logger;
}

/** What the WebSocket door needs that exists only once Apollo Server does. */
export interface WebSocketDoorDeps {
  path: string;
  apollo: ApolloServer<GatewayContext>;
  /** The checks POST /graphql makes before Apollo Server parses (limits/request-checks.ts). */
  checkRequest: WsOperationDeps['checkRequest'];
  clients: ClientRegistry;
  limits: Limits;
  /** Why upgrades are refused right now; undefined while serving. */
  refusal(): 'SCHEMA_NOT_READY' | 'SERVER_SHUTTING_DOWN' | undefined;
}

export interface Subscriptions {
  /** graphqlHandler's `stream` option: multipart and SSE answers. */
  streamDoor(req: GatewayRequest): PreparedStream | undefined;
  /** Builds the WebSocket door; the listener gives it its upgrade requests (edge/listener.ts `serveUpgrades`). */
  attachWebSocket(deps: WebSocketDoorDeps): UpgradeHandler;
  /** SIGTERM: WebSockets closed with 1001, HTTP streams ended, upstream connections closed (within `graceMs`). */
  shutdown(graceMs: number): Promise<void>;
}

/** The subscription machinery of one gateway, from its config; server.ts wires it in three lines. */
export function setUpSubscriptions(config: Config, deps: SubscriptionsDeps): Subscriptions {
  const settings = config.subscriptions;
  if (!settings) throw new Error('setUpSubscriptions needs SUBSCRIPTIONS_ENABLED');
  const log = deps.log.child({ component: 'subscriptions' });
  // The same formatter as Apollo Server's (wiring/apollo-server.ts): codes kept, internals masked and logged.
  const format = formatError({
    exposeDetails: config.graphql.exposeErrorDetails,
    onMasked: (formatted, original) => log.error({ error: formatted, cause: original instanceof Error ? original.message : String(original) }, 'masked error'),
  });
  const { services, replicas } = deps.subgraphs;
  const sockets = new SubgraphSockets({
    urlFor: (name) => {
      const source = services.get(name);
      return source instanceof SubgraphDataSource ? source.url : undefined;
    },
    replicasFor: (name) => replicas.forSubgraph(name),
    tls: subgraphConnectTls(config.edge.subgraphTls),
    identitySecret: config.auth.identitySecret,
    connectTimeoutMs: config.subgraphs.timeoutMs,
    keepAliveMs: settings.ws.keepAliveMs,
    log,
  });
  const hub = new UpstreamHub(sockets, log);
  const registry = new SubscriptionRegistry();
  const service = new SubscriptionService({
    config: settings,
    planners: new QueryPlanners(deps.gateway, { exposeDocumentNodeInFetchNode: true }),
    services,
    hub,
    registry,
    metrics: new SubscriptionMetrics(deps.registry, () => hub.stats()),
    authorization: deps.authorization,
    formatError: format,
    log,
  });
  const watch = new TokenWatch({
    registry,
    isRevoked: (token) => deps.authenticator.revocations.isRevoked(token),
    revocationFailOpen: config.auth.revocationFailOpen,
    clockToleranceMs: config.auth.clockToleranceS * 1000,
    intervalMs: settings.authRecheckMs,
    log,
  });
  watch.start();
  // The first call is the initial load; every later one is a new supergraph.
  let loads = 0;
  deps.gateway.onSchemaLoadOrUpdate(() => {
    if (loads++ > 0) service.schemaChanged();
  });
  let door: WebSocketDoor | undefined;
  return {
    streamDoor: streamDoor({ service, auth: deps.authenticator, heartbeatMs: settings.heartbeatMs, formatError: format }),
    attachWebSocket: (d) => {
      door = attachWebSocketDoor({ ...d, config: settings, auth: deps.authenticator, service, formatError: format, trustProxy: config.http.trustProxy, log });
      return door.handleUpgrade;
    },
    shutdown: async (graceMs) => {
      service.shutdown();
      watch.stop();
      await door?.close(graceMs);
      await sockets.close();
    },
  };
}
