import type { Writable } from 'node:stream';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { GatewayContext } from '../context';
import { isHttp2, type GatewayRequest, type GatewayResponse } from '../edge/request-types';
import { errorBody, httpStatus, type ErrorCode } from '../errors';
import type { PreparedStream } from '../subscriptions/http/stream-door';
import { readBody } from './read-body';

export interface GraphQLHandlerOptions {
  apollo: ApolloServer<GatewayContext>;
  maxBodyBytes: number;
  /** Refuses a request before Apollo Server parses anything (tokens, batches); null lets it through. */
  checkRequest?: (body: unknown, search: string) => { code: ErrorCode; extensions: Record<string, unknown>; message?: string } | null;
  /** Runs in Apollo's context function, where a thrown gatewayError reaches the client intact (the global rate limit). */
  checkContext?: (context: GatewayContext, operations: number) => Promise<void>;
  /** Subscriptions over multipart or SSE: a request whose Accept asks for a stream gets its answer written by the subscription door. */
  stream?: (req: GatewayRequest) => PreparedStream | undefined;
}

/**
 * Told about a request refused before Apollo Server's plugins run (body limit, token and batch
 * checks, authentication, global rate limit), so it still gets its log line and metrics. `error`
 * is the context function's failure, when that was the refusal (an uncoded one is then masked).
 */
export type OnRejected = (code: string, status: number, error?: unknown) => void;

/**
 * Bridges node:http to Apollo Server's `executeHTTPGraphQLRequest`. We own this small piece (instead
 * of Express) so the body limit, malformed-JSON answers and the hot path stay in our hands.
 */
export function graphqlHandler(opts: GraphQLHandlerOptions) {
  const execute = async (
    httpRequest: { method: string; headers: HeaderMap; search: string; body: unknown },
    context: () => Promise<GatewayContext>,
    onRejected: OnRejected,
  ): Promise<HTTPGraphQLResponse> => {
    const rejection = opts.checkRequest?.(httpRequest.body, httpRequest.search);
    if (rejection) {
      onRejected(rejection.code, httpStatus(rejection.code) ?? 500);
      return errorResponse(rejection.code, rejection.extensions, rejection.message);
    }
    const operations = Array.isArray(httpRequest.body) ? httpRequest.body.length : 1;
    return opts.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: httpRequest,
      context: async () => {
        try {
          // Authentication first (it decides who the caller is), then the caller's global rate limit.
          const resolved = await context();
          await opts.checkContext?.(resolved, operations);
          return resolved;
        } catch (err) {
          const code = (err as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null)?.extensions;
          if (typeof code?.code === 'string') onRejected(code.code, typeof code.http?.status === 'number' ? code.http.status : 500, err);
          // Anything else is a bug of ours: formatError masks it, and the log line needs the request.
          else onRejected('INTERNAL_SERVER_ERROR', 500, err);
          throw err;
        }
      },
    });
  };
  /** `context` may reject the request (e.g. authentication): a thrown gatewayError reaches the client with its status. */
  const handle = async (
    req: GatewayRequest,
    res: GatewayResponse,
    url: URL,
    context: () => Promise<GatewayContext>,
    onRejected: OnRejected,
  ): Promise<void> => {
    const body = await parseBody(req, opts.maxBodyBytes);
    if (!body.ok) {
      sendError(res, body.code, body.extensions);
      return onRejected(body.code, res.statusCode);
    }
    // A batch cannot stream: a subscription in one is refused (SUBSCRIPTION_TRANSPORT_UNSUPPORTED).
    const streaming = Array.isArray(body.value) ? undefined : opts.stream?.(req);
    const headers = toHeaderMap(req);
    let resolved: GatewayContext | undefined;
    const withSlot = async (): Promise<GatewayContext> => {
      resolved = await context();
      if (streaming) resolved.subscription = streaming.slot;
      return resolved;
    };
    if (streaming?.accept) headers.set('accept', streaming.accept);
    const response = await execute({ method: req.method ?? 'GET', headers, search: url.search, body: body.value }, streaming ? withSlot : context, onRejected);
    if (streaming && (await streaming.respond(res, response, resolved))) return;
    await writeResponse(res, response);
  };
  return Object.assign(handle, {
    /**
     * Runs a GraphQL request the gateway composed itself (a REST route's trusted operation) through
     * the same steps as a POST to /graphql, with the caller's headers, and returns Apollo's
     * response instead of writing it.
     */
    execute: (req: GatewayRequest, body: unknown, context: () => Promise<GatewayContext>, onRejected: OnRejected): Promise<HTTPGraphQLResponse> => {
      const headers = toHeaderMap(req);
      headers.set('content-type', 'application/json');
      // One JSON result, whatever the route's caller accepts (no multipart, no landing page).
      headers.set('accept', 'application/json');
      return execute({ method: 'POST', headers, search: '', body }, context, onRejected);
    },
  });
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; code: ErrorCode; extensions?: Record<string, unknown> };

async function parseBody(req: GatewayRequest, maxBodyBytes: number): Promise<ParsedBody> {
  if (req.method === 'GET' || req.method === 'HEAD') return { ok: true, value: undefined };
  const read = await readBody(req, maxBodyBytes);
  if (!read.ok) {
    return read.reason === 'too-large'
      ? { ok: false, code: 'PAYLOAD_TOO_LARGE', extensions: { maxBodyBytes } }
      : { ok: false, code: 'BAD_REQUEST' };
  }
  if (read.text.length === 0) return { ok: true, value: undefined };
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('json')) return { ok: true, value: read.text };
  try {
    return { ok: true, value: JSON.parse(read.text) as unknown };
  } catch {
    return { ok: false, code: 'BAD_REQUEST', extensions: { reason: 'The request body is not valid JSON' } };
  }
}

function toHeaderMap(req: GatewayRequest): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (`:path`, `:authority`, …) are not headers Apollo Server should see.
    if (value === undefined || name.charCodeAt(0) === 58) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

async function writeResponse(res: GatewayResponse, response: HTTPGraphQLResponse): Promise<void> {
  // set-cookie may hold several cookies, one per line (datasource/response-header-collector.ts): one field each.
  for (const [name, value] of response.headers) res.setHeader(name, name === 'set-cookie' ? value.split('\n') : value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  // Both response kinds are Writable streams; their `write` overloads differ too much to call on the union.
  const out: Writable = res;
  for await (const chunk of response.body.asyncIterator) {
    // The client went away (a streamed @defer response): leaving the loop ends the stream upstream.
    if (isClosed(res)) break;
    out.write(chunk);
  }
  res.end();
}

function isClosed(res: GatewayResponse): boolean {
  return isHttp2(res) ? res.stream.destroyed : res.destroyed;
}

function errorResponse(code: ErrorCode, extensions?: Record<string, unknown>, message?: string): HTTPGraphQLResponse {
  return {
    status: httpStatus(code) ?? 500,
    headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]),
    body: { kind: 'complete', string: errorBody(code, extensions, message) },
  };
}

/** Answers an error the HTTP layer detects itself, in the same shape as GraphQL errors. */
export function sendError(res: GatewayResponse, code: ErrorCode, extensions?: Record<string, unknown>, headers: Record<string, string> = {}): void {
  res.statusCode = httpStatus(code) ?? 500;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  // An oversized or broken upload may still be streaming in: do not keep reading it. HTTP/2 forbids
  // the header (Node drops it with a warning per response); there the stream ends with the response.
  if ((code === 'PAYLOAD_TOO_LARGE' || code === 'BAD_REQUEST') && !isHttp2(res)) res.setHeader('connection', 'close');
  res.end(errorBody(code, extensions));
}
