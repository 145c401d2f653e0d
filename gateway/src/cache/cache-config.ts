import { z } from 'zod';
import { bool, int } from '../env-values';
import { loadManifest, type ManifestOperation } from './manifest';

/** The caching variables (merged into config.ts's one schema). docs/configuration.md documents each. */
export const CACHE_ENV = {
  /** Whole-response cache for queries whose merged cache policy allows it. @default true */
  RESPONSE_CACHE_ENABLED: bool.default(true),
  /** Upper bound on how long a response is served fresh, in seconds (a subgraph's hint may only lower it). @default 300 */
  RESPONSE_CACHE_MAX_AGE_S: int(1, 86_400).default(300),
  /** Stale-if-error window after max-age, in seconds: a stale copy answers when its subgraphs fail. 0 turns it off. @default 3600 */
  RESPONSE_CACHE_STALE_S: int(0, 7 * 86_400).default(3600),
  /** Largest response stored, in bytes of JSON; larger responses are served but not cached. @default 262144 */
  RESPONSE_CACHE_MAX_ENTRY_BYTES: int(1024, 16 * 1024 * 1024).default(256 * 1024),
  /** Automatic persisted queries (hash → query store, shared through Redis). @default true */
  APQ_ENABLED: bool.default(true),
  /** How long a registered APQ hash is kept, in seconds. @default 86400 */
  APQ_TTL_S: int(1, 365 * 86_400).default(86_400),
  /** Apollo persisted-query manifest (JSON) of trusted operations; clients may send only their id. @default unset */
  PERSISTED_QUERIES_MANIFEST: z.string().min(1).optional(),
  /** Refuse every operation that is not in the manifest (PERSISTED_QUERY_NOT_IN_LIST, 403). @default false */
  PERSISTED_QUERIES_SAFELIST: bool.default(false),
  /** Share query plans through Redis (when REDIS_URL is set), keyed by the supergraph's hash. @default true */
  PLAN_CACHE_SHARED: bool.default(true),
  /** Query plans each instance keeps in memory (LRU). @default 1000 */
  PLAN_CACHE_MAX_ENTRIES: int(1, 1_000_000).default(1000),
  /** How long a shared plan stays in Redis, in seconds. @default 86400 */
  PLAN_CACHE_TTL_S: int(1, 365 * 86_400).default(86_400),
};

const CacheEnvSchema = z.object(CACHE_ENV);
type CacheEnv = z.output<typeof CacheEnvSchema>;

export interface ResponseCacheConfig {
  maxAgeS: number;
  staleS: number;
  maxEntryBytes: number;
}

export interface CacheConfig {
  /** `false` when RESPONSE_CACHE_ENABLED=false. */
  response: false | ResponseCacheConfig;
  /** `false` when APQ_ENABLED=false. */
  apq: false | { ttlS: number };
  /** `false` when no manifest is configured. */
  trustedDocuments: false | { manifestPath: string; safelist: boolean; operations: readonly ManifestOperation[] };
  plan: { shared: boolean; maxEntries: number; ttlS: number };
}

/** Builds the cache section; problems (unreadable manifest, safelist without one) go to `problems`. */
export function toCacheConfig(e: CacheEnv, problems: string[]): CacheConfig {
  let trustedDocuments: CacheConfig['trustedDocuments'] = false;
  if (e.PERSISTED_QUERIES_MANIFEST) {
    try {
      trustedDocuments = {
        manifestPath: e.PERSISTED_QUERIES_MANIFEST,
        safelist: e.PERSISTED_QUERIES_SAFELIST,
        operations: loadManifest(e.PERSISTED_QUERIES_MANIFEST),
      };
    } catch (err) {
      problems.push(`PERSISTED_QUERIES_MANIFEST: ${(err as Error).message}`);
    }
  } else if (e.PERSISTED_QUERIES_SAFELIST) {
    problems.push('PERSISTED_QUERIES_SAFELIST: needs PERSISTED_QUERIES_MANIFEST (the list of allowed operations)');
  }
  return {
    response: e.RESPONSE_CACHE_ENABLED
      ? { maxAgeS: e.RESPONSE_CACHE_MAX_AGE_S, staleS: e.RESPONSE_CACHE_STALE_S, maxEntryBytes: e.RESPONSE_CACHE_MAX_ENTRY_BYTES }
      : false,
    apq: e.APQ_ENABLED ? { ttlS: e.APQ_TTL_S } : false,
    trustedDocuments,
    plan: { shared: e.PLAN_CACHE_SHARED, maxEntries: e.PLAN_CACHE_MAX_ENTRIES, ttlS: e.PLAN_CACHE_TTL_S },
  };
}
