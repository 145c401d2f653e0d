import type { RedisClient } from '../redis';
import type { KeyValueStore } from './key-value-store';

/**
 * Redis implementation. The deployment's key prefix is applied by the client (`keyPrefix`);
 * `namespace` separates kinds of state (e.g. `revoked:`, `cache:`) inside it.
 */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis';

  constructor(
    private readonly redis: RedisClient,
    private readonly namespace: string,
  ) {}

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.namespace + key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.namespace + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.namespace + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async has(key: string): Promise<boolean> {
    return (await this.redis.exists(this.namespace + key)) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.namespace + key);
  }
}
