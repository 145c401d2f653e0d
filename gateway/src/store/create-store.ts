import type { RedisClient } from '../redis';
import type { KeyValueStore } from './key-value-store';
import { MemoryKeyValueStore } from './memory-store';
import { RedisKeyValueStore } from './redis-store';

/**
 * One store per kind of state (`namespace` such as `revoked:`): RedisClient when the gateway has a
 * Redis client, else this process's memory.
 */
export function createKeyValueStore(redis: RedisClient | undefined, namespace: string): KeyValueStore {
  return redis ? new RedisKeyValueStore(redis, namespace) : new MemoryKeyValueStore();
}
