import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { GATE_COMMAND } from './limits/gate-script';
import type { Logger } from './logger';
import type { RedisConfig } from './store/redis-config';

/**
 * The shared client: one server or Sentinel (`Redis`), or a Redis Cluster (`Cluster`). Both take
 * the same commands; what differs (duplicating a connection) goes through the helpers below.
 */
export type RedisClient = Redis | Cluster;

/** How often a Redis that stays down is logged, in ms: once per outage window, not per command. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Longest pause between two reconnect attempts, in ms. Short on purpose: a reconnect attempt to
 * a dead Redis costs one refused TCP connect, and the gap is how long the gateway keeps answering
 * "Redis is down" after it is back (issue #13: serve normally within about a second).
 */
export const MAX_RECONNECT_DELAY_MS = 500;

const reconnectDelay = (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS);

/**
 * The only Redis client factory, for every topology (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES).
 *
 * Commands never wait for a connection: while the client is not connected (first connect, or
 * reconnecting after an outage or a Sentinel failover) a command fails at once, so a feature's
 * fail-open or fail-closed rule answers immediately instead of every request waiting out
 * `commandTimeoutMs` (DESIGN.md, decision 7). A command sent on a live connection that gets no
 * answer is bounded by `commandTimeoutMs`; in a cluster that includes its retries while a
 * replica is promoted. Commands issued in the same tick go out as one write (auto-pipelining):
 * what one request asks in parallel costs one round trip.
 */
export function createRedis(config: RedisConfig, log: Logger): RedisClient {
  const client = build(config);
  let lastLoggedMs = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLoggedMs < ERROR_LOG_INTERVAL_MS) return;
    lastLoggedMs = now;
    log.warn({ error: err.message }, 'redis unavailable');
  });
  return client;
}

function build(config: RedisConfig): RedisClient {
  const common: RedisOptions = {
    keyPrefix: config.keyPrefix,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    enableAutoPipelining: true,
  };
  const { topology } = config;
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: reconnectDelay });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: topology.sentinels.map((n) => ({ ...n })),
        name: topology.name,
        ...(config.password ? { password: config.password } : {}),
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: reconnectDelay,
        sentinelRetryStrategy: reconnectDelay,
        // A primary that became a replica (failover) answers READONLY: reconnect to the new one.
        reconnectOnError: (err) => err.message.startsWith('READONLY'),
      });
    case 'cluster':
      return new Cluster(
        topology.nodes.map((n) => ({ ...n })),
        {
          keyPrefix: config.keyPrefix,
          enableOfflineQueue: false,
          enableAutoPipelining: true,
          // Auto-pipelining groups a command by the slot of its first argument, which for the
          // request gate (keys counted at call time) is the key count, not a key: sent on its
          // own, it is still in flight together with the request's other commands.
          autoPipeliningIgnoredCommands: [GATE_COMMAND],
          clusterRetryStrategy: reconnectDelay,
          // While a dead primary's replica is promoted (cluster-node-timeout plus an election,
          // seconds) its slots cannot answer, and with full coverage required no slot can: fail
          // at once rather than retrying until the command timeout, so each feature's rule
          // answers immediately. The slot map is refreshed every second instead, which finds
          // the promoted replica within about a second. MOVED (resharding) still redirects.
          retryDelayOnFailover: 0,
          retryDelayOnClusterDown: 0,
          slotsRefreshInterval: 1000,
          slotsRefreshTimeout: Math.min(config.connectTimeoutMs, 1000),
          redisOptions: {
            commandTimeout: config.commandTimeoutMs,
            connectTimeout: config.connectTimeoutMs,
            maxRetriesPerRequest: 1,
            ...(config.password ? { password: config.password } : {}),
          },
        },
      );
  }
}

/**
 * Another connection to the same Redis with its own settings (a cluster: another Cluster).
 * `queueUntilConnected`: commands wait for the connection (bounded by the command timeout) instead
 * of failing at once: for connections created on demand or for SUBSCRIBE.
 */
export function duplicateClient(client: RedisClient, opts: { queueUntilConnected?: boolean; commandTimeout?: boolean } = {}): RedisClient {
  const overrides = {
    enableAutoPipelining: false,
    ...(opts.queueUntilConnected ? { enableOfflineQueue: true } : {}),
    ...(opts.commandTimeout === false ? { commandTimeout: undefined } : {}),
  };
  const copy = client instanceof Cluster
    ? client.duplicate([], { ...overrides, redisOptions: { ...client.options.redisOptions, ...(opts.commandTimeout === false ? { commandTimeout: undefined } : {}) } })
    : client.duplicate(overrides);
  // The main client already reports an outage.
  copy.on('error', () => undefined);
  return copy;
}

/**
 * A connection for SUBSCRIBE (a subscribed connection can do nothing else). It queues its
 * SUBSCRIBE until connected, and ioredis re-subscribes after every reconnect. In a cluster,
 * PUBLISH reaches every node, so one subscription on any node hears all of them.
 */
export function createSubscriber(client: RedisClient): RedisClient {
  return duplicateClient(client, { queueUntilConnected: true, commandTimeout: false });
}

/** True while commands can be sent; anything else means "answer from the fallback now". */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === 'ready';
}

/** Resolves to null when Redis answers PING, else a short reason (for /ready). */
export async function pingRedis(client: RedisClient): Promise<string | null> {
  try {
    return (await client.ping()) === 'PONG' ? null : 'unexpected PING reply';
  } catch (err) {
    return `redis: ${(err as Error).message}`;
  }
}

/** Closes the connection: QUIT when connected, else disconnect at once. Safe to call twice. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}

/**
 * A client for a script (publish, check): connected before it is returned, or an error naming
 * where Redis was expected. Close it with `closeRedis`.
 */
export async function connectRedis(config: RedisConfig, log: Logger): Promise<RedisClient> {
  const client = createRedis(config, log);
  await waitForRedis(client, config.connectTimeoutMs);
  if (client.status !== 'ready') {
    client.disconnect();
    throw new Error(`Redis did not answer within ${config.connectTimeoutMs} ms`);
  }
  return client;
}

/**
 * Resolves when the client is connected, or after `timeoutMs` (never rejects). Start-up waits for
 * this so the first requests count in Redis rather than in a fail-open fallback: commands fail at
 * once while the client is not connected.
 */
export function waitForRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}
