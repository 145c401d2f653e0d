import type { Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildCaches } from './cache/build-caches';
import type { PlanCacheStats } from './cache/plan-cache';
import type { Config } from './config';
import { ClientRegistry } from './clients/client-registry';
import { buildContext, type GatewayContext } from './context';
import { ResponseHeaderCollector } from './datasource/response-header-collector';
import { responseHeaderNamesFor } from './datasource/response-header-config';
import { SubgraphDataSource } from './datasource/subgraph-datasource';
import { createUndiciFetcher } from './datasource/undici-fetcher';
import type { CertificateReloadOutcome } from './edge/certificate-watcher';
import { corsPolicy } from './edge/cors';
import { createListener } from './edge/listener';
import type { GatewayRequest, GatewayResponse } from './edge/request-types';
import { securityHeaders } from './edge/security-headers';
import { subgraphConnectTls } from './edge/subgraph-tls';
import { formatError } from './errors';
import { sendHealth, sendReady, type ReadinessCheck, type ReadinessResult } from './health';
import { graphqlHandler, sendError } from './http/graphql-handler';
import { clientIp } from './http/client-ip';
import { ErrorOrigins } from './observability/error-origins';
import { GatewayMetrics } from './observability/metrics';
import { withRequestSpan } from './observability/tracing';
import { resolveRequestId } from './http/request-id';
import { parseRequestTarget } from './http/request-target';
import { apolloLogger, createLogger, type Logger } from './logger';
import { DirectiveIndexHolder } from './directives/directive-index-holder';
import { Limits } from './limits/limits';
import { checkGraphQLRequest } from './limits/request-checks';
import { buildPlugins } from './plugins';
import { closeRedis, createRedis, pingRedis, waitForRedis, type Redis } from './redis';
import { SubgraphResilience } from './resilience/subgraph-resilience';
import { SubgraphReplicas } from './routing/subgraph-replicas';
import type { BreakerState } from './resilience/breakers';
import { AuthorizationDecisions } from './auth/authorization-decisions';
import { authorizingGateway } from './auth/authorizing-gateway';
import { IdentitySigner } from './auth/identity-header';
import { handleLogout, LOGOUT_PATH } from './auth/logout';
import { registerEnforcedSecurityFeatures } from './auth/security-features';
import { setUpAuthentication } from './auth/setup';
import { FileSupergraphManager, type ReloadOutcome } from './supergraph/file-supergraph-manager';
import { disableApolloGatewayTelemetry } from './supergraph/no-phone-home';
import { RedisSupergraphManager } from './supergraph/redis-supergraph-manager';
import { UsageRecorder } from './usage/usage-recorder';
import { FileUsageSink, RedisUsageSink } from './usage/usage-sink';

export const GRAPHQL_PATH = '/graphql';

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
  redis: Redis | undefined;
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
}

type Lifecycle = 'starting' | 'serving' | 'draining' | 'stopped';

/** Wires the HTTP server, Apollo Server and ApolloGateway together. Decides nothing itself. */
export async function startGateway(config: Config, deps: GatewayDeps = {}): Promise<GatewayHandle> {
  const log = deps.log ?? createLogger(config.log);
  let state: Lifecycle = 'starting';
  const redis: Redis | undefined = config.redis ? createRedis(config.redis, log) : undefined;
  const resilience = new SubgraphResilience(config.resilience, config.subgraphs.timeoutMs, log);
  const pool = createUndiciFetcher({
    maxConnections: config.subgraphs.maxConnections,
    timeoutMs: resilience.maxTimeoutMs,
    tls: subgraphConnectTls(config.edge.subgraphTls),
  });
  // Reads its sources (breakers, plan cache) only at scrape time, after they exist.
  const metrics: GatewayMetrics = new GatewayMetrics({
    breakerStates: () => resilience.getBreakerStates(),
    planCacheStats: () => caches.plans.stats(),
    replicaHealth: () => replicas.health(),
  });
  const replicas = new SubgraphReplicas(config.replicas, {
    log,
    onAttempt: (subgraph, replica, ok) => metrics.replicaAttempts.inc({ subgraph, replica, outcome: ok ? 'ok' : 'failure' }),
    onEjected: (subgraph, replica) => metrics.replicaEjections.inc({ subgraph, replica }),
  });
  const responseHeaders = config.responseHeaders ? new ResponseHeaderCollector(config.responseHeaders.conflict) : undefined;
  const supergraph = createSupergraphManager(config, redis, log, (outcome) => {
    if (outcome.status !== 'unchanged') metrics.schemaReloads.inc({ outcome: outcome.status });
    deps.onSupergraphReload?.(outcome);
  });
  disableApolloGatewayTelemetry();
  const caches = buildCaches(config, redis, log);
  registerEnforcedSecurityFeatures();
  const auth = setUpAuthentication(config.auth, config.env, redis, log);
  // One signer for every subgraph: a request's calls share one signed identity header.
  const identity = new IdentitySigner(config.auth.identitySecret);
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph,
    // The data source needs each fetch's operation type (queries are retried and deduplicated, mutations never).
    queryPlannerConfig: { cache: caches.plans, exposeDocumentNodeInFetchNode: true },
    logger: apolloLogger(log),
    buildService: ({ name, url }) => {
      const copyHeaders = responseHeaderNamesFor(config.responseHeaders, name);
      return new SubgraphDataSource({
        name,
        url: config.subgraphs.urlOverrides[name.toLowerCase()] ?? url ?? '',
        fetcher: pool.fetcher,
        forwardHeaders: config.subgraphs.forwardHeaders,
        log,
        // Several URLs: the caller picks a replica per attempt; one URL: no replica layer at all.
        caller: resilience.callerFor(name, pool.post, replicas.forSubgraph(name)),
        identity,
        onFetch: (subgraph, outcome, durationMs) => metrics.recordSubgraphFetch(subgraph, outcome, durationMs / 1000),
        ...(responseHeaders && copyHeaders.length > 0 ? { responseHeaders: { names: copyHeaders, collector: responseHeaders } } : {}),
      });
    },
  });

  const directives = new DirectiveIndexHolder(gateway, log);
  // Filter mode: one decision cache for the executor wrapper and the limits plugin.
  const authorization = config.auth.authorizationMode === 'filter' ? new AuthorizationDecisions(directives) : undefined;
  const usage = createUsageRecorder(config, redis, log);
  caches.follow(gateway);
  const clients = new ClientRegistry(config.clients);
  const limits = new Limits({ config: config.limits, redis, log, policies: clients.policies });
  // Limits count in Redis only once it is connected: give it its connect timeout before serving.
  if (redis && config.redis) await waitForRedis(redis, config.redis.connectTimeoutMs);

  const listener = createListener(config.edge.tls, {
    log,
    onCertificateReload: (outcome) => {
      if (outcome.status !== 'unchanged') metrics.tlsReloads.inc({ outcome: outcome.status });
      deps.onCertificateReload?.(outcome);
    },
  });
  const httpServer = listener.drainPluginServer;
  const errorOrigins = new ErrorOrigins();
  const apollo = new ApolloServer<GatewayContext>({
    // Filter mode changes the document before planning, which only a wrapped executor can do.
    gateway: authorization ? authorizingGateway(gateway, authorization) : gateway,
    // On when any client policy allows it; the client-policy plugin refuses it for the others.
    introspection: clients.anyAllowsIntrospection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would stop first and re-raise the signal.
    stopOnTerminationSignals: false,
    logger: apolloLogger(log),
    formatError: formatError({
      exposeDetails: config.graphql.exposeErrorDetails,
      // The request's own logger (with its requestId) when the error is known to belong to one.
      onMasked: (formatted, original) => (errorOrigins.logFor(original) ?? log).error({ error: formatted, cause: describe(original) }, 'masked error'),
    }),
    // APQ store (Redis when shared) + manifest ids; `false` turns persisted queries off entirely.
    persistedQueries: caches.persistedQueries ? { cache: caches.persistedQueries, ...(config.cache.apq ? { ttl: config.cache.apq.ttlS } : {}) } : false,
    plugins: buildPlugins(config, {
      httpServer,
      usage,
      limits,
      directives,
      ...(authorization ? { authorization } : {}),
      metrics,
      errorOrigins,
      ...(clients.needsOperationChecks ? { clientPolicy: { trusted: caches.trustedDocuments } } : {}),
      ...(responseHeaders ? { responseHeaders } : {}),
      ...(caches.response
        ? { responseCache: { ...caches.response, onLookup: (result) => metrics.cacheLookups.inc({ cache: 'response', result }) } }
        : {}),
      ...(caches.trustedDocuments && config.cache.trustedDocuments && config.cache.trustedDocuments.safelist ? { safelist: caches.trustedDocuments } : {}),
    }),
    // Limits (issue #4): graphql-js stops parsing past maxTokens (defence in depth behind the
    // HTTP-layer token check); batching only when configured; no "Did you mean …" in production.
    parseOptions: { maxTokens: config.limits.operation.maxTokens },
    allowBatchedHttpRequests: config.limits.batching !== false,
    hideSchemaDetailsFromClientErrors: config.limits.hideSchemaSuggestions,
  });

  const checks: ReadinessCheck[] = [
    { name: 'lifecycle', check: () => (state === 'serving' ? null : state) },
    { name: 'supergraph', check: () => (supergraph.hash ? null : 'not loaded') },
    ...(redis ? [{ name: 'redis', check: () => pingRedis(redis) }] : []),
    { name: 'circuits', check: () => circuitCheck(resilience) },
    // Reported, never failing readiness (routing/subgraph-replicas.ts says why).
    ...(Object.keys(config.replicas.urlsBySubgraph).length > 0 ? [{ name: 'replicas', check: () => replicas.readiness() }] : []),
  ];
  const handleGraphQL = graphqlHandler({
    apollo,
    maxBodyBytes: config.http.maxBodyBytes,
    checkRequest: (body, search) => checkGraphQLRequest(body, search, { maxTokens: config.limits.operation.maxTokens, batching: config.limits.batching }),
    checkContext: (context, operations) => limits.checkGlobal(context, operations),
  });

  const cors = corsPolicy(config.edge.cors);
  const security = securityHeaders({ hsts: config.edge.hsts, sandbox: config.graphql.sandbox }, GRAPHQL_PATH);
  listener.serve((req: GatewayRequest, res: GatewayResponse) => {
    const startedAtMs = performance.now();
    const requestId = resolveRequestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const url = parseRequestTarget(req.url);
    if (!url) return sendError(res, 'BAD_REQUEST', { reason: 'The request target is not a valid URL' });
    // Before any route, so health checks, errors and preflights carry them too.
    security.apply(req, res, url.pathname);
    // A preflight is answered here and never reaches Apollo Server.
    if (cors.handle(req, res) !== 'continue') return;
    const route = async (): Promise<void> => {
      if (url.pathname === '/health') return sendHealth(res);
      if (url.pathname === '/ready') return sendReady(res, checks);
      if (url.pathname === '/metrics') return sendMetrics(res, metrics);
      if (url.pathname === '/' && req.method === 'GET') return redirect(res, GRAPHQL_PATH);
      if (url.pathname === LOGOUT_PATH) return handleLogout(req, res, auth, log.child({ requestId }));
      if (url.pathname !== GRAPHQL_PATH) return sendError(res, 'NOT_FOUND');
      if (state === 'starting') return sendError(res, 'SCHEMA_NOT_READY', {}, { 'retry-after': '1' });
      const context = buildContext({ requestId, log, startedAtMs, clientIp: clientIp(req, config.http.trustProxy), client: clients.unidentified });
      // Authentication runs inside Apollo's context function, so its 401 reaches the client intact.
      const authenticated = async () => {
        const principal = await auth.authenticate(req.headers.authorization, context.log);
        // On the shared context too: a request the global rate limit refuses is logged with its client.
        context.client = clients.identify(req.headers, principal);
        return { ...context, principal };
      };
      const onRejected = (code: string, status: number, error?: unknown) => {
        if (error !== undefined) errorOrigins.remember([error], context.log);
        const { client } = context;
        context.log.info(
          { operationName: null, status, durationMs: sinceMs(startedAtMs), errorCodes: [code], clientIp: context.clientIp, clientName: client.name, clientVersion: client.version, clientPolicy: client.policy.name },
          'request completed',
        );
        metrics.recordRejected(code, (performance.now() - startedAtMs) / 1000, client.policy.label, client.version);
      };
      await withRequestSpan(req.headers, `${req.method ?? 'GET'} ${GRAPHQL_PATH}`, () => handleGraphQL(req, res, url, authenticated, onRejected));
    };
    route().catch((err: unknown) => {
      log.error({ requestId, err }, 'request failed outside GraphQL');
      if (!res.headersSent) sendError(res, 'INTERNAL_SERVER_ERROR', { requestId });
      else res.destroy();
    });
  });

  // Listen first: while the supergraph loads (or is still missing), /health answers and /ready
  // says why the gateway is not ready; GraphQL requests get 503 SCHEMA_NOT_READY.
  await listen(listener.server, config.http.port, config.http.host);
  try {
    await apollo.start();
  } catch (err) {
    await listener.closeNow();
    await pool.close();
    resilience.shutdown();
    if (redis) await closeRedis(redis);
    throw err;
  }
  state = 'serving';
  const port = (listener.server.address() as AddressInfo).port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const url = `${listener.scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${GRAPHQL_PATH}`;
  log.info({ url }, 'gateway ready');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      state = 'draining';
      supergraph.abort();
      // TLS: close our HTTP/2 + HTTP/1.1 listener gracefully first (Apollo's drain plugin cannot, see edge/listener.ts).
      await listener.drain(config.http.shutdownGraceMs);
      // apollo.stop() runs the drain plugin (closes the listener, waits for in-flight requests up
      // to the grace period) and then gateway.stop(), which stops the supergraph watcher.
      await apollo.stop();
      await pool.close();
      await usage?.stop();
      resilience.shutdown();
      if (redis) await closeRedis(redis);
      state = 'stopped';
      log.info('gateway stopped');
    })();
    return stopping;
  };
  return {
    url,
    port,
    stop,
    redis,
    directives,
    usage,
    apollo,
    planCacheStats: () => caches.plans.stats(),
    getBreakerStates: () => resilience.getBreakerStates(),
  };
}

function createSupergraphManager(
  config: Config,
  redis: Redis | undefined,
  log: Logger,
  onReload: GatewayDeps['onSupergraphReload'],
): FileSupergraphManager | RedisSupergraphManager {
  const common = { log, ...(onReload ? { onReload } : {}) };
  if (config.supergraph.source === 'redis' && redis && config.redis) {
    return new RedisSupergraphManager({
      redis,
      keyPrefix: config.redis.keyPrefix,
      fallbackPath: config.supergraph.path,
      pollMs: config.supergraph.pollMs,
      ...common,
    });
  }
  return new FileSupergraphManager({ path: config.supergraph.path, watch: config.supergraph.watch, ...common });
}

function createUsageRecorder(config: Config, redis: Redis | undefined, log: Logger): UsageRecorder | undefined {
  const usage = config.usage;
  if (!usage) return undefined;
  const sink = usage.sink === 'file' ? new FileUsageSink(usage.path) : redis && new RedisUsageSink(redis);
  return sink ? new UsageRecorder({ sink, flushMs: usage.flushMs, log }) : undefined;
}

/** Open circuits are reported on /ready; CIRCUIT_BREAKER_OPEN_NOT_READY decides whether they fail it. */
function circuitCheck(resilience: SubgraphResilience): ReadinessResult {
  const open = resilience.circuitReadiness();
  if (!open) return null;
  return open.failsReadiness ? open.problem : { degraded: open.problem };
}

function sinceMs(startedAtMs: number): number {
  return Math.round((performance.now() - startedAtMs) * 100) / 100;
}

async function sendMetrics(res: GatewayResponse, metrics: GatewayMetrics): Promise<void> {
  const { contentType, body } = await metrics.render();
  res.statusCode = 200;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
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

function redirect(res: GatewayResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader('location', location);
  res.end();
}

function describe(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: String(err) };
  return { name: err.name, message: err.message, stack: err.stack };
}
