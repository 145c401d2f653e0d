import type { Server } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
} from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from '../config';
import type { GatewayContext } from '../context';
import type { UsageRecorder } from '../usage/usage-recorder';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import type { Limits } from '../limits/limits';
import { limitsPlugin } from './limits';
import { operationResolutionPlugin } from './operation-resolution';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import { idempotencyPlugin } from './idempotency';
import type { ErrorOrigins } from '../observability/error-origins';
import { errorOriginsPlugin } from './error-origins';
import { authorizationRejectPlugin } from './authorization-reject';
import type { GatewayMetrics } from '../observability/metrics';
import { metricsPlugin } from './metrics';
import { requestLogPlugin } from './request-log';
import type { ResponseHeaderCollector } from '../datasource/response-header-collector';
import { responseHeadersPlugin } from './response-headers';
import { usageRecordingPlugin } from './usage-recording';

import type { TrustedDocuments } from '../cache/manifest';
import { cachePolicyPlugin } from './cache-policy';
import { responseCachePlugin, type ResponseCachePluginOptions } from './response-cache';
import { trustedDocumentsPlugin } from './trusted-documents';
import { clientPolicyPlugin, type ClientPolicyPluginOptions } from './client-policy';
import { subscriptionsPlugin } from './subscriptions';
import { deferPlugin, type DeferPluginOptions } from './defer';

export interface PluginDeps {
  httpServer: Server;
  usage: UsageRecorder | undefined;
  metrics: GatewayMetrics;
  /** Rate limits, cost and budgets (issue #4). */
  limits: Limits;
  directives: DirectiveIndexHolder;
  /** Filter mode's decisions: fields it will remove do not count against `@rateLimit`. */
  authorization?: AuthorizationDecisions;
  /** Present when RESPONSE_CACHE_ENABLED. */
  responseCache?: ResponseCachePluginOptions;
  /** Present in safelist mode (PERSISTED_QUERIES_SAFELIST): the manifest every operation must be in. */
  safelist?: TrustedDocuments;
  /** Present when some client policy restricts operations or introspection (ClientRegistry.needsOperationChecks). */
  clientPolicy?: ClientPolicyPluginOptions;
  /** Present when SUBGRAPH_RESPONSE_HEADERS lists any header. */
  responseHeaders?: ResponseHeaderCollector;
  /** Where each request's errors are remembered for the `masked error` log line. */
  errorOrigins: ErrorOrigins;
  /** Present when IDEMPOTENCY_ENABLED: completed mutation responses per (caller, Idempotency-Key). */
  idempotency?: IdempotencyStore;
  /** Present when DEFER_ENABLED: @defer streamed as multipart/mixed. */
  defer?: DeferPluginOptions;
}

/** The ordered plugin list: the only place plugin order is decided. */
export function buildPlugins(config: Config, deps: PluginDeps): ApolloServerPlugin<GatewayContext>[] {
  const plugins: Array<ApolloServerPlugin<GatewayContext> | false> = [
    ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer, stopGracePeriodMillis: config.http.shutdownGraceMs }),
    // Nothing leaves the machine for Apollo's hosted services, even if APOLLO_KEY happens to be set.
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    config.graphql.sandbox
      ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
      : ApolloServerPluginLandingPageDisabled(),
    errorOriginsPlugin(deps.errorOrigins),
    // First of the didResolveOperation checks: without an operation the others have nothing to check.
    operationResolutionPlugin(),
    // Authorization before any limit: a refused operation costs nothing further.
    config.auth.authorizationMode === 'reject' && authorizationRejectPlugin({ directives: deps.directives }),
    deps.usage !== undefined && usageRecordingPlugin({ aggregator: deps.usage.aggregator }),
    // Refuses unlisted operations (didResolveOperation).
    deps.safelist ? trustedDocumentsPlugin(deps.safelist) : false,
    // Per-client allowed operations and introspection (didResolveOperation), before any limit is consumed.
    deps.clientPolicy ? clientPolicyPlugin(deps.clientPolicy) : false,
    limitsPlugin({ limits: deps.limits, directives: deps.directives, ...(deps.authorization ? { authorization: deps.authorization } : {}) }),
    // Hands subscriptions to their door in responseForOperation, after every check above.
    subscriptionsPlugin(),
    // Mutations with an Idempotency-Key: claims the key (didResolveOperation), answers repeats
    // (responseForOperation, after every check: authorization and limits apply to repeats too).
    deps.idempotency ? idempotencyPlugin(deps.idempotency) : false,
    // Its lookup (responseForOperation) runs after every didResolveOperation check, so
    // authorization and limits apply to cache hits too.
    deps.responseCache ? responseCachePlugin(deps.responseCache) : false,
    // Mutations and subscriptions are never cacheable, whatever their subgraphs hinted.
    cachePolicyPlugin(),
    // After the response cache: a fresh entry answers a deferred query whole (docs/defer.md).
    deps.defer ? deferPlugin(deps.defer) : false,
    deps.responseHeaders ? responseHeadersPlugin({ collector: deps.responseHeaders }) : false,
    // After every plugin that changes the response (their willSendResponse runs first, up to its
    // first await): these record what the client receives.
    requestLogPlugin(),
    metricsPlugin(deps.metrics),
  ];
  return plugins.filter((p): p is ApolloServerPlugin<GatewayContext> => p !== false);
}
