import { z } from 'zod';
import { int } from '../env-values';

/** The shared store's connection, merged into config.ts's one schema. docs/configuration.md documents each. */
export const REDIS_ENV = {
  /** Redis for state shared by every instance (limits, revocations, caches). Unset → in-memory stores (one instance only). @default unset */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Prefix of every key the gateway writes, so several deployments (or tests) can share one Redis. @default frontdoor: */
  REDIS_KEY_PREFIX: z.string().max(100).default('frontdoor:'),
  /** Longest wait for one Redis command, in milliseconds; past it the feature's fail-open/closed rule applies. @default 500 */
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(500),
  /** Longest wait for a Redis connection, in milliseconds. @default 2000 */
  REDIS_CONNECT_TIMEOUT_MS: int(10, 60_000).default(2000),
};

const RedisEnvSchema = z.object(REDIS_ENV);
type RedisEnv = z.output<typeof RedisEnvSchema>;

export interface RedisConfig {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

/** `false` when REDIS_URL is unset: every store is in-memory. */
export function toRedisConfig(e: RedisEnv): false | RedisConfig {
  if (!e.REDIS_URL) return false;
  return { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS, connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS };
}
