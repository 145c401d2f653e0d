import { performance } from 'node:perf_hooks';
import type { HTTPGraphQLResponse } from '@apollo/server';
import type { RestRequestState } from '../context';
import { isHttp2, type GatewayRequest, type GatewayResponse } from '../edge/request-types';
import { errorBody, httpStatus, type ErrorCode } from '../errors';
import { readBody } from '../http/read-body';
import type { Logger } from '../logger';
import { answerFrom, type RestAnswer } from './answer';
import type { DocsPage } from './docs-page';
import { noneMatch, strongEtag } from './http-caching';
import { DOCS_PATH, OPENAPI_PATH, hasBody } from './rest-config';
import type { RestMetrics } from './rest-metrics';
import type { RestRouteTable } from './route-table';
import { nullsThePick } from './null-cause';
import { readVariables } from './request-variables';

/** What POST /graphql receives as its JSON body. */
export interface GraphQLRequestBody {
  query: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/**
 * Runs one GraphQL request through POST /graphql's own pipeline (server.ts: context, authentication,
 * client policy, global rate limit, then Apollo Server with every plugin) and returns Apollo's
 * response instead of writing it. Routes have no other way to execute anything (DESIGN.md #11).
 */
export type RestExecutor = (req: GatewayRequest, body: GraphQLRequestBody, request: RestRequest) => Promise<HTTPGraphQLResponse>;

/** The request as the listener saw it arrive, and the route state its pipeline shares (context.ts). */
export interface RestRequest {
  requestId: string;
  startedAtMs: number;
  rest: RestRequestState;
}

export interface RestHandlerOptions {
  table: RestRouteTable;
  execute: RestExecutor;
  maxBodyBytes: number;
  metrics: RestMetrics;
  log: Logger;
  /** Present when REST_DOCS is on and swagger-ui-dist is installed. */
  docs: DocsPage | undefined;
}

/** Headers Apollo sets that describe its GraphQL body, not the route's answer. */
const NOT_COPIED: ReadonlySet<string> = new Set(['content-type', 'content-length']);

/**
 * The REST door: matches a route, reads its variables from path, query string and JSON body, runs
 * the trusted operation through the /graphql pipeline and answers plain JSON with HTTP semantics
 * (statuses from error codes, strong ETag and 304, Cache-Control from the cache policy, HEAD).
 * Serves /api/openapi.json and, in development, /api/docs. Unknown paths get 404 NOT_FOUND.
 */
export function restHandler(opts: RestHandlerOptions) {
  return async (req: GatewayRequest, res: GatewayResponse, url: URL, requestId: string, startedAtMs: number): Promise<void> => {
    const method = req.method ?? 'GET';
    if (url.pathname === OPENAPI_PATH) return serveOpenApi(opts.table, req, res, method);
    if (opts.docs && (url.pathname === DOCS_PATH || url.pathname.startsWith(`${DOCS_PATH}/`)) && method === 'GET' && opts.docs.serve(url.pathname, res)) return;
    const match = opts.table.match(method, url.pathname);
    if (match.kind === 'none') return sendCode(res, 'NOT_FOUND');
    if (match.kind === 'not-ready') return sendCode(res, 'SCHEMA_NOT_READY', {}, { 'retry-after': '1' });
    if (match.kind === 'method-not-allowed') return sendCode(res, 'METHOD_NOT_ALLOWED', {}, { allow: match.allow });
    const configured = match.kind === 'route' ? match.route.route : match.route;
    // The request's own method (HEAD is counted as itself), bounded: only methods a route matched get here.
    const rest: RestRequestState = { method, route: configured.template.source };
    let answer: RestAnswer;
    if (match.kind === 'broken') {
      answer = refusal('INTERNAL_SERVER_ERROR', { requestId });
    } else {
      const { route } = match;
      const body = hasBody(route.route.method) ? await readJsonBody(req, opts.maxBodyBytes) : { ok: true as const, value: undefined };
      const variables = body.ok ? readVariables(route, match.params, url.searchParams, body.value) : body;
      if (!variables.ok) {
        answer = refusal(variables.code, variables.extensions);
      } else {
        const response = await opts.execute(req, { query: route.route.operation.body, operationName: route.route.operation.name, variables: variables.value }, { requestId, startedAtMs, rest });
        for (const [name, value] of response.headers) if (!NOT_COPIED.has(name)) res.setHeader(name, name === 'set-cookie' ? value.split('\n') : value);
        answer = response.body.kind === 'complete'
          ? answerFrom(response.status ?? 200, response.body.string, route.route.pick, req.headers.authorization === undefined, (below) => nullsThePick(route, route.fragments, below))
          : refusal('INTERNAL_SERVER_ERROR', { requestId });
      }
    }
    const status = write(req, res, method, answer);
    const durationMs = performance.now() - startedAtMs;
    opts.metrics.record(rest.method, rest.route, status, durationMs / 1000);
    // The pipeline left its request-log line here (context.ts, `rest`): written now, with the status the client got.
    const line = rest.logLine ?? { errorCodes: answer.errorCodes, durationMs: Math.round(durationMs * 100) / 100 };
    opts.log.info({ requestId, ...line, method: rest.method, route: rest.route, status }, 'request completed');
  };
}

/** Writes the answer; a GET whose tag the client already holds gets 304 and no body. Returns the status sent. */
function write(req: GatewayRequest, res: GatewayResponse, method: string, answer: RestAnswer): number {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  // Only a GET answer is a representation a cache may keep; a mutation's never is, whatever policy its fields carry.
  if (method !== 'GET' && method !== 'HEAD') res.setHeader('cache-control', 'no-store');
  appendVary(res, 'Authorization');
  // An oversized upload may still be streaming in: do not keep reading it (HTTP/2 ends the stream instead).
  if (answer.errorCodes.includes('PAYLOAD_TOO_LARGE') && !isHttp2(res)) res.setHeader('connection', 'close');
  let status = answer.status;
  if (status === 200 && (method === 'GET' || method === 'HEAD')) {
    const etag = strongEtag(answer.body);
    res.setHeader('etag', etag);
    if (noneMatch(header(req, 'if-none-match'), etag)) status = 304;
  }
  res.statusCode = status;
  if (status === 304) {
    res.end();
    return status;
  }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(answer.body));
  if (method === 'HEAD') res.end();
  else res.end(answer.body);
  return status;
}

function serveOpenApi(table: RestRouteTable, req: GatewayRequest, res: GatewayResponse, method: string): void {
  if (method !== 'GET' && method !== 'HEAD') return sendCode(res, 'METHOD_NOT_ALLOWED', {}, { allow: 'GET, HEAD' });
  const doc = table.openapi;
  if (!doc) return sendCode(res, 'SCHEMA_NOT_READY', {}, { 'retry-after': '1' });
  res.setHeader('etag', doc.etag);
  // Changes with every supergraph reload: revalidate each time, which the ETag makes cheap.
  res.setHeader('cache-control', 'no-cache');
  if (noneMatch(header(req, 'if-none-match'), doc.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(doc.body));
  if (method === 'HEAD') res.end();
  else res.end(doc.body);
}

type JsonBody = { ok: true; value: unknown } | { ok: false; code: ErrorCode; extensions: Record<string, unknown> };

/** The body is JSON (which a browser cannot send cross-origin without a preflight, as Apollo's CSRF rule wants). */
async function readJsonBody(req: GatewayRequest, maxBodyBytes: number): Promise<JsonBody> {
  const read = await readBody(req, maxBodyBytes);
  if (!read.ok) return read.reason === 'too-large' ? { ok: false, code: 'PAYLOAD_TOO_LARGE', extensions: { maxBodyBytes } } : { ok: false, code: 'BAD_REQUEST', extensions: {} };
  if (read.text.length === 0) return { ok: true, value: undefined };
  if (!(header(req, 'content-type') ?? '').toLowerCase().includes('application/json')) {
    return { ok: false, code: 'BAD_REQUEST', extensions: { reason: 'The body must be JSON (content-type: application/json)' } };
  }
  try {
    return { ok: true, value: JSON.parse(read.text) as unknown };
  } catch {
    return { ok: false, code: 'BAD_REQUEST', extensions: { reason: 'The request body is not valid JSON' } };
  }
}

function refusal(code: ErrorCode, extensions: Record<string, unknown>): RestAnswer {
  return { status: httpStatus(code) ?? 500, body: errorBody(code, extensions), errorCodes: [code], headers: {} };
}

function sendCode(res: GatewayResponse, code: ErrorCode, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  res.statusCode = httpStatus(code) ?? 500;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(errorBody(code, extensions));
}

function appendVary(res: GatewayResponse, name: string): void {
  const current = res.getHeader('vary');
  res.setHeader('vary', current ? `${String(current)}, ${name}` : name);
}

function header(req: GatewayRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
