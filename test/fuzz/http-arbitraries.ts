import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DEFER_DOCUMENTS, documentText, operationNameValue, SUBSCRIPTION_DOCUMENTS, VALID_DOCUMENTS, VARIABLE_SHAPES } from './graphql-documents';
import { anyJson, oddString } from './json-values';
import type { HttpProbe } from './probe';

/**
 * Arbitrary HTTP requests to the GraphQL endpoint: methods, paths, content types, accept and
 * auth headers, JSON bodies whose `query`/`variables`/`operationName`/`extensions` are of every
 * JSON type, batches, raw non-JSON bodies, GET parameters, and persisted-query extensions with
 * right and wrong hashes.
 */

export interface HttpArbitraryOptions {
  /** Ready `Authorization` values of valid tokens (signing is async; arbitraries are not). */
  validAuthorizations: readonly string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What a client can put in a header value: node refuses control characters and most of Unicode. */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff]/g, '').trim();
const headerValue = fc.oneof(
  { weight: 12, arbitrary: oddString.filter((v) => v.length < 2_000).map(headerSafe) },
  // Past Node's 16 KiB header limit (431).
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 40_000 }).map((n) => 'h'.repeat(n)) },
);

/** Present in about one request of `1 + rarity`: a few odd headers per request, not all of them at once. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, rarity = 6): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: rarity, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const variables = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VARIABLE_SHAPES) },
  { weight: 2, arbitrary: anyJson },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('id', 'n', 's', 'input', 'u', 'sku', 'name'), anyJson, { maxKeys: 4 }) },
);

/** `extensions.persistedQuery` with the right hash, a wrong one, or junk in every field. */
const persistedQuery = (document: string) =>
  fc.record(
    {
      version: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(1) }, { weight: 1, arbitrary: anyJson }),
      sha256Hash: fc.oneof(
        fc.constant<unknown>(sha256(document)),
        fc.constant<unknown>(sha256(`${document} `)),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        anyJson,
      ),
    },
    { requiredKeys: [] },
  );

const extensions = (document: string) =>
  fc.oneof(
    { weight: 3, arbitrary: persistedQuery(document).map((pq) => ({ persistedQuery: pq }) as unknown) },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.record({ clientLibrary: anyJson, persistedQuery: anyJson }, { requiredKeys: [] }) },
  );

/** One GraphQL-over-HTTP request object, each field present or not, of the right type or not. */
const wildPayload: fc.Arbitrary<Record<string, unknown>> = documentText.chain((document) =>
  fc.record(
    {
      query: fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>(document) }, { weight: 1, arbitrary: anyJson }),
      variables: variables as fc.Arbitrary<unknown>,
      operationName: fc.oneof({ weight: 3, arbitrary: operationNameValue as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyJson }),
      extensions: extensions(document),
    },
    { requiredKeys: [] },
  ),
);

/** What a real client sends: a valid document, variables of the right names, maybe its name and a right APQ hash. */
const usualPayloadOf = (documents: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> => fc
  .record({
    query: documents,
    variables: fc.option(fc.constantFrom(...VARIABLE_SHAPES), { nil: undefined }),
    pick: fc.nat(),
    apq: fc.boolean(),
  })
  .map(({ query, variables, pick, apq }) => {
    // One of the document's own operation names (or none), as a client would send.
    const names = [...query.matchAll(/(?:query|mutation|subscription)\s+(\w+)/g)].map((m) => m[1]!);
    const operationName = names.length > 0 ? names[pick % names.length] : undefined;
    return {
      query,
      ...(variables ? { variables } : {}),
      ...(operationName ? { operationName } : {}),
      ...(apq ? { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } : {}),
    };
  });

const usualPayload = usualPayloadOf(fc.constantFrom(...VALID_DOCUMENTS));

export const payload: fc.Arbitrary<Record<string, unknown>> = fc.oneof({ weight: 3, arbitrary: usualPayload }, { weight: 4, arbitrary: wildPayload });

/** The registered-then-replayed APQ flow's second half: a hash alone (known or not). */
const hashOnly = fc.constantFrom(...VALID_DOCUMENTS).map((doc) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(doc) } } }));

const jsonBody = fc.oneof(
  { weight: 8, arbitrary: payload.map((p) => JSON.stringify(p)) },
  { weight: 2, arbitrary: hashOnly.map((p) => JSON.stringify(p)) },
  { weight: 2, arbitrary: fc.array(payload, { maxLength: 12 }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null') },
);

const rawBody = fc.oneof(
  oddString,
  payload.map((p) => JSON.stringify(p)).chain((text) => fc.nat({ max: text.length }).map((n) => text.slice(0, n))),
  fc.constantFrom('query=%7B__typename%7D', '{"query":"{ __typename }"', '\uFEFF{"query":"{ __typename }"}', '[,]', 'null', '"{ __typename }"'),
  fc.integer({ min: 900_000, max: 1_200_000 }).map((n) => JSON.stringify({ query: `{ __typename } #${'x'.repeat(n)}` })),
  // Nesting far deeper than any parser's recursion, in every JSON slot.
  fc
    .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('query', 'variables', 'extensions', 'operationName'), fc.constantFrom(['[', ']'], ['{"a":', '}']))
    .map(([depth, slot, [open, close]]) => `{"query":"query Q($id: ID!) { user(id: $id) { id } }","${slot}":${open!.repeat(depth)}1${close!.repeat(depth)}}`),
);

/** Short enough for a request line (a long one is a 431, tried by the header arbitraries). */
const shortOdd = oddString.filter((v) => v.length < 2_000);

const searchParams = fc
  .oneof({ weight: 2, arbitrary: usualPayload }, { weight: 3, arbitrary: wildPayload })
  .chain((p) =>
    fc
      .record(
        {
          query: fc.oneof(fc.constant(typeof p.query === 'string' ? p.query : '{ __typename }'), shortOdd),
          variables: fc.oneof(fc.constant(JSON.stringify(p.variables ?? {}) ?? ''), shortOdd),
          operationName: fc.oneof(fc.constant(typeof p.operationName === 'string' ? p.operationName : ''), shortOdd),
          extensions: fc.oneof(fc.constant(JSON.stringify(p.extensions ?? {}) ?? ''), shortOdd),
        },
        { requiredKeys: [] },
      )
      .map((params) => `?${new URLSearchParams(params).toString()}`),
  );

const search = fc.oneof(
  { weight: 6, arbitrary: searchParams },
  { weight: 1, arbitrary: fc.constantFrom('', '?', '?%', '?query=%E0%A4%A', '?query=a&query=b', '?query', '?=&&=', '?query=%00') },
);

const path = fc.oneof(
  { weight: 12, arbitrary: fc.constant('/graphql') },
  { weight: 1, arbitrary: fc.constantFrom('/graphql/', '/GRAPHQL', '//graphql', '/graphql;x', '/%2e%2e/graphql', '/', '/health', '/ready') },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/graphql-response+json',
  'application/graphql',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '*/*',
  'json',
  ';;;',
];
const ACCEPTS = [
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'text/html',
  'multipart/mixed; deferSpec=20220824',
  'multipart/mixed',
  'text/event-stream',
  'multipart/mixed;subscriptionSpec=1.0',
  'application/xml',
  'application/graphql-response+json;q=0.9, text/html;q=1',
];

function headers(opts: HttpArbitraryOptions) {
  const authorization = fc.oneof(
    fc.constantFrom('Bearer ', 'Bearer x.y.z', 'Basic dXNlcjpwYXNz', 'bearer', `Bearer ${'a'.repeat(10_000)}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.'),
    headerValue.map((v) => `Bearer ${v}`),
  );
  return fc
    .record({
      'content-type': sometimes(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: headerValue }), 2),
      accept: sometimes(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ACCEPTS) }, { weight: 1, arbitrary: headerValue }), 2),
      authorization: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        ...(opts.validAuthorizations.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...opts.validAuthorizations) }] : []),
        { weight: 1, arbitrary: authorization },
      ),
      'x-request-id': sometimes(headerValue),
      'apollo-require-preflight': sometimes(fc.constantFrom('true', '')),
      'x-apollo-operation-name': sometimes(headerValue),
      'apollographql-client-name': sometimes(headerValue),
      'apollographql-client-version': sometimes(headerValue),
      'idempotency-key': sometimes(headerValue, 4),
      origin: sometimes(fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000')),
      'access-control-request-method': sometimes(fc.constantFrom('POST', 'GET', 'DELETE')),
      'x-forwarded-for': sometimes(fc.constantFrom('203.0.113.9', 'garbage', '::1, 10.0.0.1')),
      'content-encoding': sometimes(fc.constantFrom('gzip', 'br', 'identity'), 12),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')));
}

/** Any request to the gateway's GraphQL endpoint (and a few neighbours). */
export function httpProbe(opts: HttpArbitraryOptions): fc.Arbitrary<HttpProbe> {
  const method = fc.oneof(
    { weight: 8, arbitrary: fc.constant('POST') },
    { weight: 4, arbitrary: fc.constant('GET') },
    { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  );
  return fc
    .record({ method, path, search, headers: headers(opts), json: fc.nat({ max: 4 }).map((n) => n > 0), jsonBody, rawBody, usual: fc.nat({ max: 9 }) })
    .map(({ method, path, search, headers, json, jsonBody, rawBody, usual }) => {
      const hasBody = method !== 'GET' && method !== 'HEAD';
      // Mostly what real clients send, so most requests get past the HTTP checks into GraphQL.
      if (usual < 9 && hasBody && json) headers['content-type'] = 'application/json';
      if (usual < 9 && !hasBody) headers['apollo-require-preflight'] = 'true';
      return {
        kind: 'http' as const,
        method,
        path: path + (hasBody && json ? '' : search),
        headers,
        ...(hasBody ? { body: json ? jsonBody : rawBody } : {}),
      };
    });
}

/**
 * What the streaming clients send (docs/subscriptions.md, docs/defer.md): Apollo Client's HttpLink
 * for subscriptions and for @defer, graphql-sse, urql; and mixes of them in odd orders.
 */
const STREAMING_ACCEPTS = [
  'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json',
  'multipart/mixed;subscriptionSpec=1.0',
  'multipart/mixed; subscriptionSpec="1.0"',
  'multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9',
  'multipart/mixed;deferSpec=20220824',
  'text/event-stream',
  'application/json, text/event-stream',
  'text/event-stream, multipart/mixed;deferSpec=20220824',
  'multipart/mixed;deferSpec=20220824, multipart/mixed;subscriptionSpec=1.0',
  'multipart/mixed;subscriptionSpec=2.0, text/event-stream;q=0',
];

/** POSTs that may stream: subscriptions and @defer queries (and plain ones) with the Accept headers of streaming clients. */
export function streamingProbe(opts: HttpArbitraryOptions): fc.Arbitrary<HttpProbe> {
  const documents = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SUBSCRIPTION_DOCUMENTS) },
    { weight: 3, arbitrary: fc.constantFrom(...DEFER_DOCUMENTS) },
    { weight: 1, arbitrary: fc.constantFrom(...VALID_DOCUMENTS) },
  );
  const body = fc.oneof(
    { weight: 5, arbitrary: usualPayloadOf(documents).map((p) => JSON.stringify(p)) },
    { weight: 1, arbitrary: wildPayload.map((p) => JSON.stringify(p)) },
  );
  return fc
    .record({
      accept: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...STREAMING_ACCEPTS) }, { weight: 1, arbitrary: fc.constantFrom(...ACCEPTS) }),
      authorization: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        ...(opts.validAuthorizations.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...opts.validAuthorizations) }] : []),
        { weight: 1, arbitrary: fc.constantFrom('Bearer x.y.z', 'Basic dXNlcjpwYXNz') },
      ),
      body,
    })
    .map(({ accept, authorization, body }) => ({
      kind: 'http' as const,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', accept, ...(authorization ? { authorization } : {}) },
      body,
    }));
}
