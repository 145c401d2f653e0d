import type { Logger } from '../logger';
import type { KeyValueStore } from '../store/key-value-store';
import type { TrustedDocuments } from './manifest';

/** Apollo Server's persisted-query store interface (KeyValueCache<string>); TTLs are in seconds. */
export interface PersistedQueryCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

/** Apollo Server prefixes every APQ key with this before calling the cache (requestPipeline's APQ_CACHE_PREFIX). */
const APOLLO_APQ_PREFIX = 'apq:';

export interface ApqCacheOptions {
  /** Where registered hashes live: Redis (shared by every instance) or memory. */
  store: KeyValueStore;
  /** TTL when Apollo Server passes none, in seconds. */
  defaultTtlS: number;
  /** Manifest operations answer by id before the store is asked. */
  trusted: TrustedDocuments | undefined;
  /** Safelist mode (or APQ off with a manifest): only manifest operations resolve; nothing is registered or read from the store. */
  manifestOnly: boolean;
  log: Logger;
}

/**
 * The persisted-query store handed to Apollo Server (`persistedQueries.cache`): manifest ids
 * first (trusted documents: a client sends only the id), then hashes clients registered by APQ.
 * Redis trouble fails open: a read error is a miss (the client resends the query, which works),
 * a write error only costs the next client one more round trip.
 */
export class ApqCache implements PersistedQueryCache {
  constructor(private readonly opts: ApqCacheOptions) {}

  async get(key: string): Promise<string | undefined> {
    const hash = stripPrefix(key);
    const trusted = this.opts.trusted?.bodyOf(hash);
    if (trusted !== undefined || this.opts.manifestOnly) return trusted;
    try {
      return (await this.opts.store.get(hash)) ?? undefined;
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'apq store unavailable: treating the hash as unknown');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    // In safelist mode the manifest is the whole list: clients cannot add to it.
    if (this.opts.manifestOnly) return;
    const ttlS = options?.ttl ?? this.opts.defaultTtlS;
    try {
      await this.opts.store.set(stripPrefix(key), value, ttlS * 1000);
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'apq store unavailable: hash not registered');
    }
  }

  async delete(key: string): Promise<boolean> {
    await this.opts.store.delete(stripPrefix(key));
    return true;
  }
}

function stripPrefix(key: string): string {
  return key.startsWith(APOLLO_APQ_PREFIX) ? key.slice(APOLLO_APQ_PREFIX.length) : key;
}
