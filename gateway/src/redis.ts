import { Redis } from 'ioredis';
import type { RedisConfig } from './store/redis-config';
import type { Logger } from './logger';

export type { Redis } from 'ioredis';

/** How often a Redis that stays down is logged, in ms: once per outage window, not per command. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The only Redis client factory. Every command is bounded by `commandTimeoutMs`, including the
 * time it waits in the offline queue while (re)connecting, so Redis trouble degrades a feature
 * instead of hanging a request (DESIGN.md, decision 7); the client keeps reconnecting in the
 * background.
 */
export function createRedis(config: RedisConfig, log: Logger): Redis {
  const redis = new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    // Queued commands still time out (ioredis starts the timer before queueing); the queue only
    // bridges the first connect and short reconnects.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  let lastLoggedMs = 0;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLoggedMs < ERROR_LOG_INTERVAL_MS) return;
    lastLoggedMs = now;
    log.warn({ error: err.message }, 'redis unavailable');
  });
  return redis;
}

/** Resolves to null when Redis answers PING, else a short reason (for /ready). */
export async function pingRedis(redis: Redis): Promise<string | null> {
  try {
    return (await redis.ping()) === 'PONG' ? null : 'unexpected PING reply';
  } catch (err) {
    return `redis: ${(err as Error).message}`;
  }
}

/** Closes the connection: QUIT when connected, else disconnect at once. Safe to call twice. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}

/**
 * Resolves when the client is connected, or after `timeoutMs` (never rejects). Start-up waits for
 * this so the first requests count in Redis rather than in a fail-open fallback: limiters treat a
 * client that is not `ready` as unavailable at once instead of queueing behind a reconnect.
 */
export function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
