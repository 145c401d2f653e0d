import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** Everything a response may depend on; two requests share an entry only when all of it is equal. */
export interface ResponseKeyInput {
  /** The supergraph's hash: a reloaded schema starts a new cache. */
  supergraph: string;
  /** sha256 of the operation document (Apollo Server's queryHash). */
  queryHash: string;
  operationName: string | null;
  variables: Readonly<Record<string, unknown>> | undefined;
  /** Values of the client headers forwarded to subgraphs (FORWARD_HEADERS): subgraphs may answer by them. */
  varyHeaders: Readonly<Record<string, string>>;
  /** What the caller may see: anonymous or authenticated with these scopes (see accessOf). */
  access: string;
}

/**
 * The cache key of one response in one scope. A PUBLIC entry is shared by every caller with the
 * same access; a PRIVATE entry belongs to one principal id (anonymous callers have none and
 * never get private entries).
 */
export function responseCacheKey(input: ResponseKeyInput, scope: CacheScope, principalId: string | null): string {
  if (scope === 'PRIVATE' && principalId === null) throw new Error('private cache keys need a principal id');
  return createHash('sha256')
    .update(stableStringify({ ...input, scope, principal: scope === 'PRIVATE' ? principalId : null }))
    .digest('hex');
}

/**
 * Callers with different rights can get different answers to the same operation (authorization
 * filters fields), so even PUBLIC entries are shared only among callers with the same rights.
 */
export function accessOf(principal: Principal): string {
  if (principal.id === null) return 'anonymous';
  return `authenticated:${[...principal.scopes].sort().join(' ')}`;
}

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` variables hash the same. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
