import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import type { Caches } from '../cache/build-caches';
import type { ClientRegistry } from '../clients/client-registry';
import type { Config } from '../config';
import type { GatewayContext } from '../context';
import type { ResponseHeaderCollector } from '../datasource/response-header-collector';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import type { QueryPlanners } from '../execution/query-planners';
import type { SubgraphServices } from '../execution/subgraph-services';
import { withDeferDirective, type SchemaHoldingGateway } from '../incremental/defer-directive';
import { formatError } from '../errors';
import type { Limits } from '../limits/limits';
import { apolloLogger, type Logger } from '../logger';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import type { ErrorOrigins } from '../observability/error-origins';
import type { GatewayMetrics } from '../observability/metrics';
import { buildPlugins } from '../plugins';
import type { UsageRecorder } from '../usage/usage-recorder';

export interface ApolloServerParts {
  log: Logger;
  /** What operations execute through (the authorizing wrapper in filter mode). */
  gateway: GatewayInterface;
  /** The listener Apollo's drain plugin closes on stop. */
  httpServer: Server;
  caches: Caches;
  clients: ClientRegistry;
  limits: Limits;
  directives: DirectiveIndexHolder;
  authorization: AuthorizationDecisions | undefined;
  metrics: GatewayMetrics;
  usage: UsageRecorder | undefined;
  responseHeaders: ResponseHeaderCollector | undefined;
  /** Our planner with @defer enabled, ApolloGateway's data sources and ApolloGateway itself; present when DEFER_ENABLED. */
  defer: { planners: QueryPlanners; services: SubgraphServices; apolloGateway: SchemaHoldingGateway } | undefined;
  /** Which request each error belongs to, for the `masked error` line's request id (shared with the router). */
  errorOrigins: ErrorOrigins;
  /** Undefined when IDEMPOTENCY_ENABLED=false. */
  idempotency: IdempotencyStore | undefined;
}

/** Apollo Server over the gateway: error masking, persisted queries, parse limits and the ordered plugin list. */
export function buildApolloServer(config: Config, parts: ApolloServerParts): ApolloServer<GatewayContext> {
  const { log, caches, clients } = parts;
  const formatErrors = formatError({
    exposeDetails: config.graphql.exposeErrorDetails,
    // The request's own logger (with its requestId) when the error is known to belong to one.
    onMasked: (formatted, original) => (parts.errorOrigins.logFor(original) ?? log).error({ error: formatted, cause: describe(original) }, 'masked error'),
  });
  // The @defer path answers outside Apollo Server's execution: it formats its payloads' errors itself, the same way.
  const defer = config.defer && parts.defer
    ? {
        planners: parts.defer.planners,
        services: parts.defer.services,
        authorization: parts.authorization,
        formatError: formatErrors,
        timeoutMs: config.defer.timeoutMs,
        onFirstPayload: (seconds: number, name: string | null) => parts.metrics.firstPayloadDuration.observe({ operation_name: parts.metrics.operationLabel(name) }, seconds),
      }
    : undefined;
  return new ApolloServer<GatewayContext>({
    // With @defer on, Apollo Server validates against the API schema plus the @defer directive.
    gateway: defer && parts.defer ? withDeferDirective(parts.gateway, parts.defer.apolloGateway) : parts.gateway,
    // On when any client policy allows it; the client-policy plugin refuses it for the others.
    introspection: clients.anyAllowsIntrospection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would stop first and re-raise the signal.
    stopOnTerminationSignals: false,
    logger: apolloLogger(log),
    formatError: formatErrors,
    // APQ store (Redis when shared) + manifest ids; `false` turns persisted queries off entirely.
    persistedQueries: caches.persistedQueries ? { cache: caches.persistedQueries, ...(config.cache.apq ? { ttl: config.cache.apq.ttlS } : {}) } : false,
    plugins: buildPlugins(config, {
      httpServer: parts.httpServer,
      usage: parts.usage,
      limits: parts.limits,
      directives: parts.directives,
      ...(parts.authorization ? { authorization: parts.authorization } : {}),
      metrics: parts.metrics,
      errorOrigins: parts.errorOrigins,
      ...(parts.idempotency ? { idempotency: parts.idempotency } : {}),
      ...(clients.needsOperationChecks ? { clientPolicy: { trusted: caches.trustedDocuments } } : {}),
      ...(parts.responseHeaders ? { responseHeaders: parts.responseHeaders } : {}),
      ...(defer ? { defer } : {}),
      ...(caches.response
        ? { responseCache: { ...caches.response, onLookup: (result) => parts.metrics.cacheLookups.inc({ cache: 'response', result }) } }
        : {}),
      ...(caches.trustedDocuments && config.cache.trustedDocuments && config.cache.trustedDocuments.safelist ? { safelist: caches.trustedDocuments } : {}),
    }),
    // Limits (issue #4): graphql-js stops parsing past maxTokens (defence in depth behind the
    // HTTP-layer token check); batching only when configured; no "Did you mean …" in production.
    parseOptions: { maxTokens: config.limits.operation.maxTokens },
    allowBatchedHttpRequests: config.limits.batching !== false,
    hideSchemaDetailsFromClientErrors: config.limits.hideSchemaSuggestions,
  });
}

function describe(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: String(err) };
  return { name: err.name, message: err.message, stack: err.stack };
}
