import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
// Not re-exported from the package root; the same parser Apollo's own data source uses.
import { parseCacheControlHeader } from '@apollo/gateway/dist/datasources/parseCacheControlHeader';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../context';
import { isErrorCode } from '../errors';
import type { SubgraphCaller } from '../resilience/subgraph-caller';
import { SubgraphHeaders } from './subgraph-headers';

type IncomingOptions = Extract<GraphQLDataSourceProcessOptions<GatewayContext>, { incomingRequestContext: unknown }>;

/**
 * What `RemoteGraphQLDataSource.process` does for a client operation (same hooks, same request
 * body, same cache-policy hint), with the HTTP call going through the subgraph's resilient caller.
 * We own this because Apollo's `sendRequest` is private and calls the fetcher directly: retries,
 * the breaker and deduplication have to sit between the two, and they need the fetch's operation
 * type, which only `process` sees.
 */
export async function sendSubgraphOperation(
  source: RemoteGraphQLDataSource<GatewayContext>,
  caller: SubgraphCaller,
  options: GraphQLDataSourceProcessOptions<GatewayContext>,
): Promise<GatewayGraphQLResponse> {
  const incoming = options as IncomingOptions;
  const { request, context } = incoming;
  const headers = new SubgraphHeaders(request.http?.headers);
  headers.set('content-type', 'application/json');
  request.http = { method: 'POST', url: source.url, headers };
  if (source.willSendRequest) await source.willSendRequest(options);
  if (!request.query) throw new Error('Missing query');

  const { http: _http, ...withoutHttp } = request;
  const res = await caller.call({
    url: source.url,
    headers: headers.toRecord(),
    body: JSON.stringify(withoutHttp),
    principal: context.principal,
    idempotent: isQuery(incoming.document),
    log: context.log,
  });
  if (!res.ok) throw await source.errorFromResponse(res);
  const body = await source.parseBody(res);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error(`Expected JSON response body, but received: ${String(body).slice(0, 100)}`);
  }
  let response: GatewayGraphQLResponse = { ...(body as GatewayGraphQLResponse), http: res };
  logUncodedErrors(response, context);
  if (source.didReceiveResponse) {
    response = await source.didReceiveResponse({
      response,
      request,
      context,
      ...(incoming.pathInIncomingRequest ? { pathInIncomingRequest: incoming.pathInIncomingRequest } : {}),
    });
  }
  if (source.honorSubgraphCacheControlHeader) restrictCachePolicy(incoming, res.headers.get('cache-control'));
  return response;
}

/**
 * The fetch's own operation type, from the document the query planner attached to the fetch node
 * (`exposeDocumentNodeInFetchNode`). Without one we cannot tell, so the call is treated like a
 * mutation: sent once, never shared.
 */
function isQuery(document: DocumentNode | undefined): boolean {
  if (!document) return false;
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) return def.operation === 'query';
  }
  return false;
}

/**
 * Subgraph errors without one of our codes (or with INTERNAL_SERVER_ERROR) reach the client masked (formatError), so their
 * message (which may name hosts, files or SQL) is logged here, with the request id.
 */
function logUncodedErrors(response: GatewayGraphQLResponse, context: GatewayContext): void {
  if (!response.errors) return;
  for (const error of response.errors) {
    const code = error.extensions?.code;
    if (!isErrorCode(code) || code === 'INTERNAL_SERVER_ERROR') {
      context.log.warn({ subgraphError: { message: error.message, code: code ?? null, path: error.path } }, 'subgraph returned an uncoded error');
    }
  }
}

type CacheHint = { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' };

/** Apollo's rule: the subgraph's Cache-Control narrows the operation's overall cache policy. */
function restrictCachePolicy(options: IncomingOptions, header: string | null): void {
  const policy = options.incomingRequestContext.overallCachePolicy as { restrict?: (hint: CacheHint) => void } | undefined;
  if (!policy || typeof policy.restrict !== 'function') return;
  policy.restrict(cacheHintOf(header));
}

/**
 * Subgraphs send a handful of distinct Cache-Control values, one per call: parse each once.
 * Bounded (an odd subgraph sending ever-new values only costs re-parsing past the limit).
 */
const hints = new Map<string | null, Readonly<CacheHint>>();
const MAX_REMEMBERED_HINTS = 256;

function cacheHintOf(header: string | null): Readonly<CacheHint> {
  const known = hints.get(header);
  if (known) return known;
  const parsed = parseCacheControlHeader(header);
  const hint: CacheHint = { maxAge: 0 };
  const maxAge = parsed['max-age'];
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = Number(maxAge);
  if (parsed['private'] === true) hint.scope = 'PRIVATE';
  if (parsed['public'] === true) hint.scope = 'PUBLIC';
  if (hints.size < MAX_REMEMBERED_HINTS) hints.set(header, Object.freeze(hint));
  return hint;
}
