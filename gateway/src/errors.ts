import { GraphQLError, type ASTNode, type GraphQLFormattedError } from 'graphql';

/**
 * THE table of error codes a client can see. A code exists only if it has a row here and in
 * docs/errors.md (a unit test keeps the two equal). `http` is set only for codes that refuse the whole
 * operation: a status on a field or subgraph error would override the 200 of a partial response.
 */
export const ERRORS = {
  BAD_REQUEST: { http: 400, message: 'Bad request', source: 'HTTP layer (malformed JSON or HTTP), Apollo Server (missing query, CSRF, APQ hash not matching its query; 405 for methods other than GET/POST)' },
  REQUEST_HEADERS_TOO_LARGE: { http: 431, message: 'Request headers are too large', source: 'HTTP layer: Node\'s parser, headers over its 16 KiB limit' },
  PAYLOAD_TOO_LARGE: { http: 413, message: 'Request body is too large', source: 'HTTP layer (`MAX_BODY_BYTES`)' },
  NOT_FOUND: { http: 404, message: 'Not found', source: 'HTTP layer (unknown path; an upgrade request no door takes); REST route whose picked object is null with no error explaining it; subgraphs (then 200 partial)' },
  GRAPHQL_PARSE_FAILED: { http: 400, message: 'Syntax error in the operation', source: 'Apollo Server' },
  GRAPHQL_VALIDATION_FAILED: { http: 400, message: 'The operation is not valid against the schema', source: 'Apollo Server; HTTP layer, before parsing: `@skip`/`@include` on a subscription\'s root field' },
  BAD_USER_INPUT: { http: 400, message: 'Invalid input', source: 'Apollo Server (variables), REST routes (a path, query or body parameter; + `parameter`, `in`, `expected`), limits plugin (`@listSize` slicing arguments), subgraphs (arguments; then 200 partial)' },
  OPERATION_RESOLUTION_FAILURE: { http: 400, message: 'Could not pick the operation to run', source: 'operation-resolution plugin: several operations and no `operationName`, or an `operationName` the document does not define' },
  PERSISTED_QUERY_NOT_FOUND: { http: 200, message: 'PersistedQueryNotFound', source: 'Apollo Server (APQ): unknown hash; the client resends it with the query' },
  PERSISTED_QUERY_NOT_SUPPORTED: { http: 200, message: 'PersistedQueryNotSupported', source: 'Apollo Server (`APQ_ENABLED=false`)' },
  PERSISTED_QUERY_NOT_IN_LIST: { http: 403, message: 'This operation is not in the list of trusted operations', source: 'trusted documents (`PERSISTED_QUERIES_SAFELIST`, or a client policy with `operations: persisted`, + `client`): the operation is valid but not in the manifest' },
  INTROSPECTION_DISABLED: { http: 403, message: 'Introspection is not allowed for this client', source: 'client policy (`introspection: false` in `CLIENT_POLICIES`, or `INTROSPECTION=false` while some policy allows it; + `client`)' },
  BATCHING_DISABLED: { http: 400, message: 'Batched requests are not accepted', source: 'HTTP layer: a JSON array body while `ALLOW_BATCHED_REQUESTS=false`' },
  BATCH_LIMIT_EXCEEDED: { http: 400, message: 'Too many operations in one batch', source: 'HTTP layer (`MAX_BATCH_SIZE`)' },
  TOKEN_LIMIT_EXCEEDED: { http: 400, message: 'The operation document is too large', source: 'HTTP layer, before parsing (`MAX_TOKENS`)' },
  DEPTH_LIMIT_EXCEEDED: { http: 400, message: 'The operation is nested too deeply', source: 'limits plugin (`MAX_DEPTH`)' },
  ALIAS_LIMIT_EXCEEDED: { http: 400, message: 'The operation uses too many aliases', source: 'limits plugin (`MAX_ALIASES`)' },
  ROOT_FIELD_LIMIT_EXCEEDED: { http: 400, message: 'The operation selects too many root fields', source: 'limits plugin (`MAX_ROOT_FIELDS`)' },
  DIRECTIVE_LIMIT_EXCEEDED: { http: 400, message: 'Too many directives on one field', source: 'limits plugin (`MAX_DIRECTIVES_PER_FIELD`)' },
  COST_ESTIMATED_TOO_EXPENSIVE: { http: 400, message: 'The operation is too expensive', source: 'limits plugin: estimated cost above `COST_MAX` or the cost budget\'s capacity, while cost is enforced (`COST_MODE`)' },
  RATE_LIMITED: { http: 429, message: 'Too many requests', source: 'context (`RATE_LIMIT_PER_MINUTE`), limits plugin (a field\'s `@rateLimit`)' },
  THROTTLED: { http: 429, message: 'The cost budget is used up; retry later', source: 'limits plugin: per-caller cost budget (`COST_BUDGET_*`)' },
  RATE_LIMITER_UNAVAILABLE: { http: 503, message: 'Rate limiting is unavailable', source: 'limits: Redis unreachable with `RATE_LIMIT_FAILURE_MODE=fail-closed`' },
  IDEMPOTENCY_KEY_INVALID: { http: 400, message: 'The Idempotency-Key header is not a valid key', source: 'idempotency plugin (mutations): empty, over 128 characters, or characters other than letters, digits and `._:~+/=-` (+ `maxLength`)' },
  IDEMPOTENCY_KEY_REUSED: { http: 422, message: 'This Idempotency-Key was used for a different request', source: 'idempotency plugin: the caller\'s key with another operation or other variables; subgraphs (then 200 partial)' },
  IDEMPOTENCY_KEY_IN_USE: { http: 409, message: 'A request with this Idempotency-Key is still running; retry shortly', source: 'idempotency plugin: a repeat while the first request runs (`retry-after` header, `retryAfterMs`); subgraphs (then 200 partial)' },
  CORS_ORIGIN_NOT_ALLOWED: { http: 403, message: 'This origin may not call the gateway from a browser', source: 'HTTP layer: CORS preflight from an origin not in `CORS_ORIGINS` (no `access-control-allow-origin`)' },
  METHOD_NOT_ALLOWED: { http: 405, message: 'Method not allowed', source: 'HTTP layer (`/auth/logout` accepts POST only; a REST route path with another method; a WebSocket upgrade that is not a GET; CONNECT; `allow` header)' },
  UNAUTHENTICATED: { http: 401, message: 'Unauthenticated', source: 'authentication: bad, expired, revoked or wrong-audience token (`www-authenticate` header; same message for every cause); authorization `reject` mode, anonymous caller (+ `unauthorizedPaths`); subgraphs (then 200 partial)' },
  AUTHENTICATION_UNAVAILABLE: { http: 503, message: 'Sign-in cannot be checked right now; retry shortly', source: 'authentication: the revocation store (Redis) cannot answer and `AUTH_REVOCATION_FAIL_OPEN=false`; `/auth/logout` when the revocation cannot be stored (`retry-after` header). Not a 401: the token is fine, keep it (and retry a logout)' },
  FORBIDDEN: { http: 403, message: 'Forbidden', source: 'authorization `reject` mode, signed-in caller lacking a scope (+ `unauthorizedPaths`); subgraphs: ownership checks (then 200 partial)' },
  UNAUTHORIZED_FIELD_OR_TYPE: { message: 'Unauthorized field or type', source: 'authorization `filter` mode: one per removed field, at its path, whose value is null (200 partial)' },
  SUBGRAPH_UNAVAILABLE: { message: 'A service needed for part of this response is unavailable', source: 'data source: refused connection or 5xx (200 partial)' },
  SUBGRAPH_TIMEOUT: { message: 'A service needed for part of this response timed out', source: 'data source: `SUBGRAPH_TIMEOUT_MS` (200 partial)' },
  DEFER_TIMEOUT: { message: 'A deferred part of this response was not ready in time', source: '@defer stream: `DEFER_TIMEOUT_MS` passed before the part was ready; it arrives with `data: null` at its path and the stream ends (200)' },
  DOWNSTREAM_SERVICE_ERROR: { message: 'A service failed to answer part of this response', source: '@apollo/gateway: subgraph error without a code (200 partial)' },
  SUBSCRIPTION_TRANSPORT_UNSUPPORTED: { http: 406, message: 'Subscriptions need WebSocket, multipart or SSE', source: 'subscriptions: a subscription over plain HTTP (no `multipart/mixed;subscriptionSpec=1.0` or `text/event-stream` in `Accept`), or `SUBSCRIPTIONS_ENABLED=false`' },
  SUBSCRIPTIONS_PER_CALLER_EXCEEDED: { http: 429, message: 'Too many open subscriptions for this caller', source: 'subscriptions: `SUBSCRIPTIONS_MAX_PER_CALLER` open on this instance (+ `max`)' },
  SUBSCRIPTIONS_PER_CONNECTION_EXCEEDED: { http: 429, message: 'Too many open subscriptions on this connection', source: 'subscriptions: `SUBSCRIPTIONS_MAX_PER_CONNECTION` open on this WebSocket (+ `max`)' },
  SUBSCRIPTION_BACKLOG_EXCEEDED: { message: 'The client read events too slowly; the subscription ended', source: 'subscriptions: more than `SUBSCRIPTION_MAX_BACKLOG` events waiting for a slow client (ends the subscription)' },
  SUBSCRIPTION_SCHEMA_CHANGED: { message: 'The schema changed; subscribe again', source: 'subscriptions: a new supergraph was loaded (ends every open subscription)' },
  SERVER_SHUTTING_DOWN: { message: 'The server is shutting down; subscribe again', source: 'subscriptions: SIGTERM (ends HTTP streams; WebSockets are closed with 1001)' },
  SCHEMA_NOT_READY: { http: 503, message: 'The gateway has not loaded its supergraph yet; retry shortly', source: 'HTTP layer, while the supergraph loads or is missing (`retry-after` header)' },
  INTERNAL_SERVER_ERROR: { http: 500, message: 'Internal server error', source: '`formatError`: anything unexpected (or 200 partial)' },
} as const satisfies Record<string, { http?: number; message: string; source: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, code);
}

/**
 * The one way our code raises a client-visible error. Status and headers travel on the error
 * (`extensions.http`), as Apollo Server's own persisted-query errors do; only codes with an
 * `http` entry carry one.
 */
export function gatewayError(
  code: ErrorCode,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  message: string = ERRORS[code].message,
): GraphQLError {
  const status = httpStatus(code);
  const http = status === undefined ? undefined : { status, headers: toHeaderMap(headers) };
  return new GraphQLError(message, { extensions: { code, ...extensions, ...(http ? { http } : {}) } });
}

/**
 * The partial-result form of a code: never an HTTP status, whatever the table says. For codes that
 * mean "refuse the operation" at the gateway but "one field failed" when a subgraph raises them
 * (UNAUTHENTICATED, FORBIDDEN): a status here would turn a partial response into a 401/403.
 */
export function fieldError(
  code: ErrorCode,
  extensions: Record<string, unknown> = {},
  at: { path?: ReadonlyArray<string | number>; nodes?: ASTNode | readonly ASTNode[] } = {},
): GraphQLError {
  return new GraphQLError(ERRORS[code].message, { ...at, extensions: { code, ...extensions } });
}

/** The HTTP status an error of this code refuses the whole operation with; undefined for partial-result errors. */
export function httpStatus(code: ErrorCode): number | undefined {
  const row = ERRORS[code];
  return 'http' in row ? row.http : undefined;
}

/** The JSON body for errors answered outside Apollo Server (body limit, unknown path). */
export function errorBody(code: ErrorCode, extensions: Record<string, unknown> = {}, message: string = ERRORS[code].message): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
}

function toHeaderMap(headers: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export interface FormatErrorOptions {
  /** Keep upstream details (subgraph messages of unknown errors, `extensions.response`). @default false */
  exposeDetails: boolean;
  /** Called with every error that gets masked, so the full error reaches the log. */
  onMasked: (formatted: GraphQLFormattedError, original: unknown) => void;
}

/**
 * Apollo Server's `formatError`: known codes pass through; anything else becomes
 * INTERNAL_SERVER_ERROR with a fixed message (the original goes to the log). Internal details
 * that @apollo/gateway attaches (`extensions.response` with the subgraph URL, stack traces,
 * exceptions) are removed unless `exposeDetails`.
 */
export function formatError(opts: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (isCodelessClientRejection(original)) {
      // Apollo Server's own refusals without a code ("provided sha does not match query",
      // "Unsupported persisted query version") carry a 4xx: the client's mistake, not ours.
      return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    }
    if (!isErrorCode(code) || code === 'INTERNAL_SERVER_ERROR') {
      opts.onMasked(formatted, original);
      if (!opts.exposeDetails) {
        return withoutUndefined({
          message: ERRORS.INTERNAL_SERVER_ERROR.message,
          path: formatted.path,
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
      }
    }
    if (opts.exposeDetails) return formatted;
    return withoutUndefined({
      // A subgraph error without a code carries the subgraph's own message (hosts, files, SQL…);
      // the data source has logged it with the request id.
      message: code === 'DOWNSTREAM_SERVICE_ERROR' ? ERRORS.DOWNSTREAM_SERVICE_ERROR.message : formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: publicExtensions(formatted.extensions),
    });
  };
}

function isCodelessClientRejection(original: unknown): boolean {
  if (!(original instanceof GraphQLError) || original.extensions.code !== undefined) return false;
  const status = (original.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Extensions that are safe to show: everything but the ones carrying internals. */
const INTERNAL_EXTENSIONS = new Set(['stacktrace', 'exception', 'response', 'http']);

function publicExtensions(extensions: GraphQLFormattedError['extensions']): Record<string, unknown> | undefined {
  if (!extensions) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extensions)) if (!INTERNAL_EXTENSIONS.has(k)) out[k] = v;
  return out;
}

function withoutUndefined(e: {
  message: string;
  locations?: GraphQLFormattedError['locations'];
  path?: GraphQLFormattedError['path'];
  extensions?: Record<string, unknown> | undefined;
}): GraphQLFormattedError {
  const out: { -readonly [K in keyof GraphQLFormattedError]: GraphQLFormattedError[K] } = { message: e.message };
  if (e.locations) out.locations = e.locations;
  if (e.path) out.path = e.path;
  if (e.extensions) out.extensions = e.extensions;
  return out;
}
