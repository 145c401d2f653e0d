import { Redis } from 'ioredis';
import type { Logger } from './logger';
import type { RedisConfig } from './store/redis-config';

export type { Redis } from 'ioredis';

/** How often a Redis that stays down is logged, in ms: once per outage window, not per command. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Longest pause between two reconnect attempts, in ms. Short on purpose: a reconnect attempt to
 * a dead Redis costs one refused TCP connect, and the gap is how long the gateway keeps answering
 * "Redis is down" after it is back (issue #13: serve normally within about a second).
 */
export const MAX_RECONNECT_DELAY_MS = 500;

/**
 * The only Redis client factory. Commands never wait for a connection: while the client is not
 * connected (first connect, or reconnecting after an outage) a command fails at once, so a
 * feature's fail-open or fail-closed rule answers immediately instead of every request waiting
 * out `commandTimeoutMs` (DESIGN.md, decision 7). A command sent on a live connection that gets
 * no answer is bounded by `commandTimeoutMs`. The client keeps reconnecting in the background.
 */
export function createRedis(config: RedisConfig, log: Logger): Redis {
  const redis = new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
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

/**
 * A second connection for SUBSCRIBE (a subscribed connection can do nothing else). Unlike the
 * main client it queues its SUBSCRIBE until connected, and ioredis re-subscribes after every
 * reconnect. Errors are not logged here: the main client already reports an outage.
 */
export function createSubscriber(redis: Redis): Redis {
  const subscriber = redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
  subscriber.on('error', () => undefined);
  return subscriber;
}

/** True while commands can be sent; anything else means "answer from the fallback now". */
export function isRedisReady(redis: Redis): boolean {
  return redis.status === 'ready';
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
 * this so the first requests count in Redis rather than in a fail-open fallback: commands fail at
 * once while the client is not connected.
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
