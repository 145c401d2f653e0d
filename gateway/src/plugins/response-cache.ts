import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { accessOf } from '../cache/cache-key';
import type { CacheLookup, ResponseCache } from '../cache/response-cache';
import { mutationSubjects, querySubjects } from '../cache/subjects';
import type { SupergraphIdentity } from '../cache/supergraph-identity';
import type { GatewayContext } from '../context';

export interface ResponseCachePluginOptions {
  cache: ResponseCache;
  supergraph: SupergraphIdentity;
  /** Client headers forwarded to subgraphs (FORWARD_HEADERS): their values are part of the key. */
  forwardHeaders: readonly string[];
  /** RESPONSE_CACHE_MAX_AGE_S: no response is declared fresh for longer, in seconds. */
  maxAgeS: number;
  /** Told the result of every lookup (metrics). */
  onLookup?: (result: CacheLookup['kind']) => void;
}

/** The failures a stale copy stands in for: the subgraph could not answer, not "the answer is an error". */
const STALE_IF_ERROR_CODES: ReadonlySet<unknown> = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT']);

/**
 * Whole-response caching for queries (docs/caching.md, "Response cache"):
 *  - the lookup starts in `didResolveOperation`, in the same round trip as the request gate, and
 *    `responseForOperation` (after every `didResolveOperation` check: authorization, limits and
 *    revocation still apply to hits) answers fresh entries with an `age` header;
 *  - `willSendResponse` stores error-free query results whose merged policy (subgraphs'
 *    Cache-Control headers, restricted by RemoteGraphQLDataSource) is cacheable (a response no
 *    subgraph gave a hint for never is), never a response with errors; it serves a stale
 *    copy instead of a response that failed for availability, and lets a mutation invalidate
 *    the users it changed.
 */
export function responseCachePlugin(opts: ResponseCachePluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let lookup: CacheLookup | undefined;
      let pending: Promise<CacheLookup> | undefined;
      let executed = false;
      return {
        // Started here, not in responseForOperation: the limits plugin's request gate is sent in
        // this same tick, so the lookup shares its round trip (auto-pipelining). Nothing is served
        // before every didResolveOperation check (authorization, limits, revocation) has passed.
        async didResolveOperation(rc) {
          // No queryHash means no stable identity for the document: nothing to key by.
          if (rc.operation?.operation !== 'query' || !rc.queryHash) return;
          const principal = rc.contextValue.principal;
          pending = opts.cache.lookup({
            supergraph: opts.supergraph.hash,
            queryHash: rc.queryHash,
            operationName: rc.operationName ?? rc.request.operationName ?? null,
            variables: rc.request.variables,
            varyHeaders: varyHeaders(rc.request.http?.headers, opts.forwardHeaders),
            access: accessOf(principal),
            subjects: querySubjects(rc.operation, fragmentsOf(rc.document), rc.schema, rc.request.variables),
            principalId: principal.id,
          });
        },
        async responseForOperation(rc) {
          if (!pending) return null;
          lookup = await pending;
          opts.onLookup?.(lookup.kind);
          if (lookup.kind !== 'fresh') return null;
          // The cache-control plugin (which Apollo Server runs after ours) writes the header from this.
          rc.overallCachePolicy.replace({ maxAge: lookup.entry.maxAgeS, scope: lookup.entry.scope });
          return {
            http: { status: undefined, headers: new HeaderMap([['age', String(lookup.ageS)]]) },
            body: { kind: 'single', singleResult: { data: lookup.entry.data } },
          };
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse(rc) {
          const type = rc.operation?.operation;
          if (type === 'mutation' && executed && rc.operation && rc.document) {
            // Even a failed mutation may have changed something before it failed.
            const subjects = mutationSubjects(rc.operation, fragmentsOf(rc.document), rc.request.variables, rc.contextValue.principal.id);
            await opts.cache.invalidate(subjects);
            return;
          }
          if (type !== 'query' || !executed || !lookup || (lookup.kind !== 'miss' && lookup.kind !== 'stale')) return;
          const body = rc.response.body;
          if (body.kind !== 'single') return;
          const { data, errors } = body.singleResult;
          if (errors && errors.length > 0) {
            if (lookup.kind === 'stale' && errors.some((e) => STALE_IF_ERROR_CODES.has(e.extensions?.code))) serveStale(rc, lookup);
            return;
          }
          // Only subgraph hints make a response cacheable. A plan that fetched nothing (`{ __typename }`,
          // introspection) has no hint at all, and capping "no max-age" at RESPONSE_CACHE_MAX_AGE_S
          // would invent one: such answers were stored and sent `max-age=300, public` (issue #12).
          if (!hasSubgraphHint(rc.overallCachePolicy)) return;
          // Synchronously, before any await: the cache-control plugin's willSendResponse reads it next.
          rc.overallCachePolicy.restrict({ maxAge: opts.maxAgeS });
          const policy = rc.overallCachePolicy.policyIfCacheable();
          if (!policy || !data) return;
          // Not awaited: the answer need not wait for the write. A later read cannot overtake it
          // (same key, same connection, commands run in order); store() never throws.
          void opts.cache.store(lookup.keys, policy, data);
        },
      };
    },
  };
}

/**
 * Replaces a response that failed for availability with the stale copy, marked as such:
 * `extensions.cache: { stale: true, age }`, an `age` header beyond its max-age, the RFC 7234
 * `warning: 110` and `cache-control: no-store` so no downstream cache keeps it as fresh.
 */
function serveStale(rc: GraphQLRequestContextWillSendResponse<GatewayContext>, lookup: Extract<CacheLookup, { kind: 'stale' }>): void {
  const failed = rc.response.body.kind === 'single' ? (rc.response.body.singleResult.errors ?? []) : [];
  rc.contextValue.log.warn(
    { ageS: lookup.ageS, errorCodes: [...new Set(failed.map((e) => e.extensions?.code))] },
    'served stale response: subgraphs failed',
  );
  rc.response.body = {
    kind: 'single',
    singleResult: { data: lookup.entry.data, extensions: { cache: { stale: true, age: lookup.ageS } } },
  };
  rc.response.http.headers.set('age', String(lookup.ageS));
  rc.response.http.headers.set('warning', '110 - "Response is Stale"');
  rc.response.http.headers.set('cache-control', 'no-store');
}

/** Every subgraph fetch restricts the policy (a fetch without Cache-Control to max-age 0); none did when maxAge is still unset. */
function hasSubgraphHint(policy: { maxAge?: number | undefined }): boolean {
  return policy.maxAge !== undefined;
}

function fragmentsOf(document: DocumentNode): FragmentDefinitionNode[] {
  return document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
}

function varyHeaders(headers: HeaderMap | undefined, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers?.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
