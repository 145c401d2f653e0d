import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import type { KeyValueStore } from '../store/key-value-store';
import type { TrustedDocuments } from './manifest';

/** Apollo Server's persisted-query store interface (KeyValueCache<string>); TTLs are in seconds. */
export interface PersistedQueryCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

/** Registered queries each instance keeps in memory, in characters of query text. */
const LOCAL_MAX_CHARS = 8 * 1024 * 1024;

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
 *
 * A local LRU sits in front of the store: a hash names exactly one query text (Apollo Server
 * registers a query only when its sha256 matches), so a copy can never be stale, and a hash
 * this instance has seen costs no round trip (issue #13, item 4).
 */
export class ApqCache implements PersistedQueryCache {
  private readonly local = new LRUCache<string, string>({ maxSize: LOCAL_MAX_CHARS, sizeCalculation: (query, hash) => query.length + hash.length });

  constructor(private readonly opts: ApqCacheOptions) {}

  async get(key: string): Promise<string | undefined> {
    const hash = stripPrefix(key);
    const trusted = this.opts.trusted?.bodyOf(hash);
    if (trusted !== undefined || this.opts.manifestOnly) return trusted;
    const known = this.local.get(hash);
    if (known !== undefined) return known;
    try {
      const query = (await this.opts.store.get(hash)) ?? undefined;
      if (query !== undefined) this.local.set(hash, query, { ttl: this.opts.defaultTtlS * 1000 });
      return query;
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'apq store unavailable: treating the hash as unknown');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    // In safelist mode the manifest is the whole list: clients cannot add to it.
    if (this.opts.manifestOnly) return;
    const ttlS = options?.ttl ?? this.opts.defaultTtlS;
    this.local.set(stripPrefix(key), value, { ttl: ttlS * 1000 });
    try {
      await this.opts.store.set(stripPrefix(key), value, ttlS * 1000);
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'apq store unavailable: hash not registered');
    }
  }

  async delete(key: string): Promise<boolean> {
    this.local.delete(stripPrefix(key));
    await this.opts.store.delete(stripPrefix(key));
    return true;
  }
}

function stripPrefix(key: string): string {
  return key.startsWith(APOLLO_APQ_PREFIX) ? key.slice(APOLLO_APQ_PREFIX.length) : key;
}
