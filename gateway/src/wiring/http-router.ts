import { performance } from 'node:perf_hooks';
import type { ApolloServer } from '@apollo/server';
import type { Authenticator } from '../auth/authenticate';
import { handleLogout, LOGOUT_PATH } from '../auth/logout';
import type { ClientRegistry } from '../clients/client-registry';
import type { Config } from '../config';
import { buildContext, type GatewayContext, type RestRequestState } from '../context';
import { corsPolicy } from '../edge/cors';
import type { RequestHandler } from '../edge/listener';
import type { GatewayRequest, GatewayResponse } from '../edge/request-types';
import { securityHeaders } from '../edge/security-headers';
import { sendHealth, sendReady, type ReadinessCheck } from '../health';
import { clientIp } from '../http/client-ip';
import { graphqlHandler, sendError } from '../http/graphql-handler';
import { resolveRequestId } from '../http/request-id';
import { parseRequestTarget } from '../http/request-target';
import type { Limits } from '../limits/limits';
import { graphQLRequestChecks } from '../limits/request-checks';
import type { Logger } from '../logger';
import type { ErrorOrigins } from '../observability/error-origins';
import type { GatewayMetrics } from '../observability/metrics';
import { withRequestSpan } from '../observability/tracing';
import type { PreparedStream } from '../subscriptions/http/stream-door';
import { DOCS_PATH } from '../rest/rest-config';
import { createRestDoor, restCorsMethods } from '../rest/rest-door';
import type { SchemaSource } from '../rest/route-table';
import type { Lifecycle } from './readiness';

export const GRAPHQL_PATH = '/graphql';

export interface RouterParts {
  log: Logger;
  apollo: ApolloServer<GatewayContext>;
  authenticator: Authenticator;
  clients: ClientRegistry;
  limits: Limits;
  metrics: GatewayMetrics;
  checks: readonly ReadinessCheck[];
  lifecycle: () => Lifecycle;
  /** Subscriptions over multipart and SSE (absent when SUBSCRIPTIONS_ENABLED=false). */
  stream?: (req: GatewayRequest) => PreparedStream | undefined;
  /** Schema loads and reloads (the ApolloGateway): REST routes are checked against each. */
  schema: SchemaSource;
  /** Where a context-function failure is remembered with its request, for the `masked error` line. */
  errorOrigins: ErrorOrigins;
}

/**
 * Every request's first stops: request id, security headers, CORS, then the route: health, readiness,
 * metrics, logout, /graphql through Apollo Server with authentication in its context function, and
 * REST routes (rest/), which run their trusted operations through that same /graphql handling.
 */
export function buildRouter(config: Config, parts: RouterParts): RequestHandler {
  const { log, clients, metrics } = parts;
  const handleGraphQL = graphqlHandler({
    apollo: parts.apollo,
    maxBodyBytes: config.http.maxBodyBytes,
    checkRequest: graphQLRequestChecks(config.limits),
    // No round trip here: the request gate (limits plugin) asks Redis once the operation is known.
    checkContext: async (context) => parts.limits.refuseKnownOverLimit(context),
    ...(parts.stream ? { stream: parts.stream } : {}),
  });
  /** The per-request half of the /graphql pipeline, shared by REST routes (DESIGN.md #11: one pipeline, many doors). */
  const pipelineFor = (req: GatewayRequest, requestId: string, startedAtMs: number, rest?: RestRequestState) => {
    const context = buildContext({ requestId, log, startedAtMs, clientIp: clientIp(req, config.http.trustProxy), client: clients.unidentified, ...(rest ? { rest } : {}) });
    // Authentication runs inside Apollo's context function, so its 401 reaches the client intact.
    // The token's revocation in Redis is checked by the request gate, with the limits, in one round trip.
    const authenticated = async () => {
      const { principal, token } = await parts.authenticator.identify(req.headers.authorization, context.log);
      // On the shared context too: a request the global rate limit refuses is logged with its client.
      context.client = clients.identify(req.headers, principal);
      return { ...context, principal, ...(token ? { token } : {}) };
    };
    const onRejected = (code: string, status: number, error?: unknown) => {
      if (error !== undefined) parts.errorOrigins.remember([error], context.log);
      const { client } = context;
      const line = { operationName: null, status, durationMs: sinceMs(startedAtMs), errorCodes: [code], clientIp: context.clientIp, clientName: client.name, clientVersion: client.version, clientPolicy: client.policy.name };
      // A REST route writes its one line itself, with the status it answers (context.ts).
      if (rest) rest.logLine = line;
      else context.log.info(line, 'request completed');
      metrics.recordRejected(code, (performance.now() - startedAtMs) / 1000, client.policy.label, client.version);
    };
    return { authenticated, onRejected };
  };
  const restDoor = config.rest
    ? createRestDoor({
        config: config.rest,
        schema: parts.schema,
        maxBodyBytes: config.http.maxBodyBytes,
        registry: metrics.registry,
        log,
        execute: (req, body, request) => {
          const { authenticated, onRejected } = pipelineFor(req, request.requestId, request.startedAtMs, request.rest);
          return withRequestSpan(req.headers, `${request.rest.method} ${request.rest.route}`, () => handleGraphQL.execute(req, body, authenticated, onRejected));
        },
      })
    : undefined;
  const cors = corsPolicy(config.edge.cors, restCorsMethods(config.rest));
  const security = securityHeaders({ hsts: config.edge.hsts, sandbox: config.graphql.sandbox, docsPath: config.rest && config.rest.docs ? DOCS_PATH : undefined }, GRAPHQL_PATH);

  return (req: GatewayRequest, res: GatewayResponse) => {
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
      if (url.pathname === '/ready') return sendReady(res, parts.checks);
      if (url.pathname === '/metrics') return sendMetrics(res, metrics);
      if (url.pathname === '/' && req.method === 'GET') return redirect(res, GRAPHQL_PATH);
      if (url.pathname === LOGOUT_PATH) return handleLogout(req, res, parts.authenticator, log.child({ requestId }));
      if (url.pathname !== GRAPHQL_PATH) return restDoor ? restDoor(req, res, url, requestId, startedAtMs) : sendError(res, 'NOT_FOUND');
      if (parts.lifecycle() === 'starting') return sendError(res, 'SCHEMA_NOT_READY', {}, { 'retry-after': '1' });
      const { authenticated, onRejected } = pipelineFor(req, requestId, startedAtMs);
      await withRequestSpan(req.headers, `${req.method ?? 'GET'} ${GRAPHQL_PATH}`, () => handleGraphQL(req, res, url, authenticated, onRejected));
    };
    route().catch((err: unknown) => {
      log.error({ requestId, err }, 'request failed outside GraphQL');
      if (!res.headersSent) sendError(res, 'INTERNAL_SERVER_ERROR', { requestId });
      else res.destroy();
    });
  };
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

function redirect(res: GatewayResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader('location', location);
  res.end();
}
