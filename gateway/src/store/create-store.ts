import type { Redis } from '../redis';
import type { KeyValueStore } from './key-value-store';
import { MemoryKeyValueStore } from './memory-store';
import { RedisKeyValueStore } from './redis-store';

/**
 * One store per kind of state (`namespace` such as `revoked:`): Redis when the gateway has a
 * Redis client, else this process's memory.
 */
export function createKeyValueStore(redis: Redis | undefined, namespace: string): KeyValueStore {
  return redis ? new RedisKeyValueStore(redis, namespace) : new MemoryKeyValueStore();
}
