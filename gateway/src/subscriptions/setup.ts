import type { EventEmitter } from 'node:events';
import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { Registry } from 'prom-client';
import type { Authenticator } from '../auth/authenticate';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import type { ClientRegistry } from '../clients/client-registry';
import type { GatewayContext } from '../context';
import type { SubgraphConnectTls } from '../edge/subgraph-tls';
import type { QueryPlanners } from '../execution/query-planners';
import type { SubgraphServices } from '../execution/subgraph-services';
import type { Limits } from '../limits/limits';
import type { Logger } from '../logger';
import type { ReplicaSet } from '../routing/replica-set';
import type { ErrorFormatter } from './event-execution';
import { streamDoor, type PreparedStream } from './http/stream-door';
import type { SubscriptionsConfig } from './subscription-config';
import { SubscriptionMetrics } from './subscription-metrics';
import { SubscriptionRegistry } from './subscription-registry';
import { SubscriptionService } from './subscription-service';
import { TokenWatch } from './token-watch';
import { SubgraphSockets } from './upstream/subgraph-sockets';
import { UpstreamHub } from './upstream/upstream-hub';
import { attachWebSocketDoor, type WebSocketDoor } from './ws/ws-door';

export interface SubscriptionsDeps {
  config: SubscriptionsConfig;
  gateway: ApolloGateway;
  planners: QueryPlanners;
  services: SubgraphServices;
  /** The subgraph's URL as its HTTP calls use it (data source URL: override or supergraph). */
  subgraphUrl(name: string): string | undefined;
  replicasFor(name: string): ReplicaSet | undefined;
  tls: SubgraphConnectTls;
  identitySecret: string;
  /** SUBGRAPH_TIMEOUT_MS: the longest wait for a subgraph to acknowledge a WebSocket. */
  connectTimeoutMs: number;
  authorization: AuthorizationDecisions | undefined;
  auth: Authenticator;
  revocationFailOpen: boolean;
  clockToleranceMs: number;
  registry: Registry;
  formatError: ErrorFormatter;
  log: Logger;
}

/** What the WebSocket door needs that exists only once Apollo Server does. */
export interface WebSocketDoorDeps {
  server: EventEmitter;
  path: string;
  apollo: ApolloServer<GatewayContext>;
  clients: ClientRegistry;
  limits: Limits;
  trustProxy: boolean;
  accepting(): boolean;
}

export interface Subscriptions {
  /** graphqlHandler's `stream` option: multipart and SSE answers. */
  streamDoor(req: Parameters<ReturnType<typeof streamDoor>>[0]): PreparedStream | undefined;
  attachWebSocket(deps: WebSocketDoorDeps): void;
  /** SIGTERM: WebSockets closed with 1001, HTTP streams ended, upstream connections closed (all within `graceMs`). */
  shutdown(graceMs: number): Promise<void>;
}

/** Builds the subscription machinery of one gateway (server.ts wires it in a few lines). */
export function setUpSubscriptions(deps: SubscriptionsDeps): Subscriptions {
  const log = deps.log.child({ component: 'subscriptions' });
  const sockets = new SubgraphSockets({
    urlFor: deps.subgraphUrl,
    replicasFor: deps.replicasFor,
    tls: deps.tls,
    identitySecret: deps.identitySecret,
    connectTimeoutMs: deps.connectTimeoutMs,
    keepAliveMs: deps.config.ws.keepAliveMs,
    log,
  });
  const hub = new UpstreamHub(sockets, log);
  const registry = new SubscriptionRegistry();
  const metrics = new SubscriptionMetrics(deps.registry, () => hub.stats());
  const service = new SubscriptionService({
    config: deps.config,
    planners: deps.planners,
    services: deps.services,
    hub,
    registry,
    metrics,
    authorization: deps.authorization,
    formatError: deps.formatError,
    log,
  });
  const watch = new TokenWatch({
    registry,
    isRevoked: (token) => deps.auth.revocations.isRevoked(token),
    revocationFailOpen: deps.revocationFailOpen,
    clockToleranceMs: deps.clockToleranceMs,
    intervalMs: deps.config.authRecheckMs,
    log,
  });
  watch.start();
  // The first call is the initial load; every later one is a new supergraph.
  let loads = 0;
  deps.gateway.onSchemaLoadOrUpdate(() => {
    if (loads++ > 0) service.schemaChanged();
  });
  let door: WebSocketDoor | undefined;
  const http = streamDoor({ service, auth: deps.auth, heartbeatMs: deps.config.heartbeatMs, formatError: deps.formatError });
  return {
    streamDoor: http,
    attachWebSocket: (d) => {
      door = attachWebSocketDoor({ ...d, config: deps.config, auth: deps.auth, service, formatError: deps.formatError, log });
    },
    shutdown: async (graceMs) => {
      service.shutdown();
      watch.stop();
      await door?.close(graceMs);
      await sockets.close();
    },
  };
}
