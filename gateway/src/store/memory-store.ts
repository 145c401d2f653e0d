import { LRUCache } from 'lru-cache';
import type { KeyValueStore } from './key-value-store';

export interface MemoryStoreOptions {
  /** Entries kept at most; the least recently used go first. @default 100000 */
  maxEntries?: number;
  /** Also bound the total size, in bytes (UTF-16 estimate of keys + values), for stores of large values. @default unbounded */
  maxBytes?: number;
}

/** The embedded default: one process's memory, bounded, with per-entry TTLs. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly kind = 'memory';
  private readonly cache: LRUCache<string, string>;

  constructor(opts: MemoryStoreOptions = {}) {
    this.cache = new LRUCache<string, string>({
      max: opts.maxEntries ?? 100_000,
      ttlAutopurge: false,
      ...(opts.maxBytes ? { maxSize: opts.maxBytes, sizeCalculation: (value: string, key: string) => 2 * (value.length + key.length) } : {}),
    });
  }

  async get(key: string): Promise<string | null> {
    return this.cache.get(key) ?? null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.cache.set(key, value, { ttl: Math.max(1, Math.ceil(ttlMs)) });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.cache.has(key)) return false;
    this.cache.set(key, value, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    return true;
  }

  async has(key: string): Promise<boolean> {
    return this.cache.has(key);
  }

  async delete(key: string): Promise<void> {
    this.cache.delete(key);
  }
}
