import type { AddressInfo, Server as NetServer } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { PlanCacheStats } from './cache/plan-cache';
import { ClientRegistry } from './clients/client-registry';
import type { Config } from './config';
import type { GatewayContext } from './context';
import { DirectiveIndexHolder } from './directives/directive-index-holder';
import { QueryPlanners } from './execution/query-planners';
import type { CertificateReloadOutcome } from './edge/certificate-watcher';
import { createListener, type Listener } from './edge/listener';
import { Limits } from './limits/limits';
import { graphQLRequestChecks } from './limits/request-checks';
import { MemoryRequestGate } from './limits/memory-gate';
import { apolloLogger, createLogger, type Logger } from './logger';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { ErrorOrigins } from './observability/error-origins';
import { createKeyValueStore } from './store/create-store';
import { GatewayMetrics } from './observability/metrics';
import { waitForRedis, type RedisClient } from './redis';
import type { BreakerState } from './resilience/breakers';
import type { ReloadOutcome } from './supergraph/file-supergraph-manager';
import { disableApolloGatewayTelemetry } from './supergraph/no-phone-home';
import type { SubgraphServices } from './execution/subgraph-services';
import type { UsageRecorder } from './usage/usage-recorder';
import { buildApolloServer } from './wiring/apollo-server';
import { buildRouter, GRAPHQL_PATH } from './wiring/http-router';
import { readinessChecks, type Lifecycle } from './wiring/readiness';
import { buildSecurity, type Security } from './wiring/security';
import { buildSharedState, type SharedState } from './wiring/shared-state';
import { buildSubgraphLayer, type SubgraphLayer } from './wiring/subgraph-layer';
import { setUpSubscriptions, type Subscriptions } from './subscriptions/setup';


export interface GatewayDeps {
  /** Root logger; by default one is built from `config.log`. */
  log?: Logger;
  /** Told about every supergraph reload attempt. */
  onSupergraphReload?: (outcome: ReloadOutcome) => void;
  /** Told about every TLS certificate reload attempt (TLS_WATCH). */
  onCertificateReload?: (outcome: CertificateReloadOutcome) => void;
}

export interface GatewayHandle {
  /** e.g. http://127.0.0.1:4000/graphql, or https://… when TLS_CERT_FILE is set */
  url: string;
  port: number;
  /** Drains HTTP (up to SHUTDOWN_GRACE_MS), stops the gateway, closes subgraph connections and Redis. Safe to call twice. */
  stop(): Promise<void>;
  /** The shared Redis client, when REDIS_URL is set. */
  redis: RedisClient | undefined;
  /** Directive rules of the schema being served. */
  directives: DirectiveIndexHolder;
  /** Field-usage recording, when configured. */
  usage: UsageRecorder | undefined;
  /** The Apollo Server behind /graphql (embedding, and tests that run an operation as a given principal). */
  apollo: ApolloServer<GatewayContext>;
  /** Query-plan cache counters (local hits, shared hits, misses = planner calls). */
  planCacheStats(): Readonly<PlanCacheStats>;
  /** Circuit state per subgraph (for metrics); subgraphs not called yet are absent. */
  getBreakerStates(): Record<string, BreakerState>;
  /** The subgraph data sources ApolloGateway built, for our own plan executor (execution/). */
  services: SubgraphServices;
}

/** The planner of the @defer path (incremental/): ApolloGateway's, with Defer nodes. */
const DEFER_PLANNER = { incrementalDelivery: { enableDefer: true }, exposeDocumentNodeInFetchNode: true } as const;

/** The composition root: builds each layer in order and starts listening. Decides nothing itself. */
export async function startGateway(config: Config, deps: GatewayDeps = {}): Promise<GatewayHandle> {
  const log = deps.log ?? createLogger(config.log);
  let state: Lifecycle = 'starting';
  const lifecycle = (): Lifecycle => state;
  // Reads its sources only at scrape time, after they exist.
  const metrics: GatewayMetrics = new GatewayMetrics({
    breakerStates: () => subgraphs.resilience.getBreakerStates(),
    planCacheStats: () => shared.caches.plans.stats(),
    replicaHealth: () => subgraphs.replicas.health(),
  });
  const shared = buildSharedState(config, log, (outcome) => {
    if (outcome.status !== 'unchanged') metrics.schemaReloads.inc({ outcome: outcome.status });
    deps.onSupergraphReload?.(outcome);
  });
  const security = buildSecurity(config, shared.redis, log);
  const subgraphs = buildSubgraphLayer(config, { log, metrics, identity: security.identity });
  const gateway = buildApolloGateway(shared, subgraphs, log);
  const directives = new DirectiveIndexHolder(gateway, log);
  const authorization = security.authorize(gateway, directives);
  const clients = new ClientRegistry(config.clients);
  const limits = buildLimits(config, shared, security, clients, log);
  // Limits count in Redis only once it is connected: give it its connect timeout before serving.
  if (shared.redis && config.redis) await waitForRedis(shared.redis, config.redis.connectTimeoutMs);

  const listener = createListener(config.edge.tls, {
    log,
    onCertificateReload: (outcome) => {
      if (outcome.status !== 'unchanged') metrics.tlsReloads.inc({ outcome: outcome.status });
      deps.onCertificateReload?.(outcome);
    },
  });
  const { caches, usage } = shared;
  const errorOrigins = new ErrorOrigins();
  // Shared by the fleet through Redis when there is one, like every other record of requests.
  const idempotency = config.idempotency ? new IdempotencyStore(createKeyValueStore(shared.redis, 'idempotency:'), { ...config.idempotency, log }) : undefined;
  const apollo = buildApolloServer(config, {
    log, gateway: authorization.gateway, httpServer: listener.drainPluginServer, caches, clients, limits, directives,
    authorization: authorization.decisions, metrics, usage, responseHeaders: subgraphs.responseHeaders, errorOrigins, idempotency,
    // ApolloGateway's planner must not plan Defer nodes (its executor refuses them): @defer gets a planner of its own.
    defer: config.defer ? { planners: new QueryPlanners(gateway, DEFER_PLANNER), services: subgraphs.services, apolloGateway: gateway } : undefined,
  });
  // Subscriptions (issue #14): WebSocket, multipart and SSE doors over the same pipeline and fetch path.
  const subscriptions = config.subscriptions
    ? setUpSubscriptions(config, { gateway, subgraphs, authorization: authorization.decisions, authenticator: security.authenticator, registry: metrics.registry, log })
    : undefined;
  // Without subscriptions, upgrade requests keep the listener's 404 (edge/listener.ts).
  const checkRequest = graphQLRequestChecks(config.limits);
  const upgrades = subscriptions?.attachWebSocket({ path: GRAPHQL_PATH, apollo, clients, limits, checkRequest: (payload) => checkRequest(payload, ''), refusal: () => upgradeRefusal(state) });
  if (upgrades) listener.serveUpgrades(upgrades);
  const checks = readinessChecks(config, { lifecycle, supergraph: shared.supergraph, redis: shared.redis, resilience: subgraphs.resilience, replicas: subgraphs.replicas });
  listener.serve(buildRouter(config, { log, apollo, authenticator: security.authenticator, clients, limits, metrics, checks, lifecycle, schema: gateway, errorOrigins, ...(subscriptions ? { stream: subscriptions.streamDoor } : {}) }));

  // Listen first: while the supergraph loads (or is still missing), /health answers and /ready
  // says why the gateway is not ready; GraphQL requests get 503 SCHEMA_NOT_READY.
  await listen(listener.server, config.http.port, config.http.host);
  try {
    await apollo.start();
  } catch (err) {
    await listener.closeNow();
    await subgraphs.close();
    await security.close();
    await shared.close();
    throw err;
  }
  state = 'serving';
  const url = publicUrl(listener, config.http.host);
  log.info({ url }, 'gateway ready');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      state = 'draining';
      await shutDown({ shared, security, limits, listener, apollo, subgraphs, subscriptions }, config.http.shutdownGraceMs);
      state = 'stopped';
      log.info('gateway stopped');
    })());
  return {
    url,
    port: (listener.server.address() as AddressInfo).port,
    stop,
    redis: shared.redis,
    directives,
    usage,
    apollo,
    planCacheStats: () => caches.plans.stats(),
    getBreakerStates: () => subgraphs.resilience.getBreakerStates(),
    services: subgraphs.services,
  };
}

/** Why a WebSocket upgrade is refused in this state: before the schema loads, or while draining (clients reconnect elsewhere). */
function upgradeRefusal(state: Lifecycle): 'SCHEMA_NOT_READY' | 'SERVER_SHUTTING_DOWN' | undefined {
  if (state === 'serving') return undefined;
  return state === 'starting' ? 'SCHEMA_NOT_READY' : 'SERVER_SHUTTING_DOWN';
}

/** The order matters: stop taking work, let in-flight requests finish, then close what they used. */
async function shutDown(
  parts: { shared: SharedState; security: Security; limits: Limits; listener: Listener; apollo: ApolloServer<GatewayContext>; subgraphs: SubgraphLayer; subscriptions: Subscriptions | undefined },
  graceMs: number,
): Promise<void> {
  parts.shared.supergraph.abort();
  // Before the drain: open streams would hold it for the whole grace period (WebSockets get 1001).
  await parts.subscriptions?.shutdown(graceMs);
  // TLS: close our HTTP/2 + HTTP/1.1 listener gracefully first (Apollo's drain plugin cannot, see edge/listener.ts).
  await parts.listener.drain(graceMs);
  // apollo.stop() runs the drain plugin (closes the listener, waits for in-flight requests up
  // to the grace period) and then gateway.stop(), which stops the supergraph watcher.
  await parts.apollo.stop();
  await parts.subgraphs.close();
  await parts.limits.close();
  await parts.security.close();
  await parts.shared.close();
}

/** Limits and the request gate: revocation shares the authenticator's list (memory) or markers (Redis). */
function buildLimits(config: Config, shared: SharedState, security: Security, clients: ClientRegistry, log: Logger): Limits {
  const revocations = security.authenticator.revocations;
  return new Limits({
    config: config.limits,
    redis: shared.redis,
    log,
    policies: clients.policies,
    revocationFailOpen: config.auth.revocationFailOpen,
    memoryGate: new MemoryRequestGate(revocations),
    onRevocationLoss: () => revocations.noticeLoss(),
  });
}

/** ApolloGateway over our subgraph layer and caches; it plans, our data sources fetch. */
function buildApolloGateway(shared: SharedState, subgraphs: SubgraphLayer, log: Logger): ApolloGateway {
  disableApolloGatewayTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: shared.supergraph,
    // The data source needs each fetch's operation type (queries are retried and deduplicated, mutations never).
    queryPlannerConfig: { cache: shared.caches.plans, exposeDocumentNodeInFetchNode: true },
    logger: apolloLogger(log),
    buildService: subgraphs.buildService,
  });
  shared.caches.follow(gateway);
  return gateway;
}

function publicUrl(listener: Listener, configuredHost: string): string {
  const port = (listener.server.address() as AddressInfo).port;
  const host = configuredHost === '0.0.0.0' || configuredHost === '::' ? '127.0.0.1' : configuredHost;
  return `${listener.scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${GRAPHQL_PATH}`;
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
