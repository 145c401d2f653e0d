import { buildCaches, type Caches } from '../cache/build-caches';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { closeRedis, createRedis, type Redis } from '../redis';
import { FileSupergraphManager, type ReloadOutcome } from '../supergraph/file-supergraph-manager';
import { RedisSupergraphManager } from '../supergraph/redis-supergraph-manager';
import { UsageRecorder } from '../usage/usage-recorder';
import { FileUsageSink, RedisUsageSink } from '../usage/usage-sink';

export type SupergraphSource = FileSupergraphManager | RedisSupergraphManager;

export interface SharedState {
  /** The shared Redis client, when REDIS_URL is set. */
  redis: Redis | undefined;
  caches: Caches;
  supergraph: SupergraphSource;
  usage: UsageRecorder | undefined;
  /** Flushes usage and closes Redis. */
  close(): Promise<void>;
}

/**
 * What instances share (or keep in memory when there is no Redis): the Redis client, the caches, the
 * supergraph source and field-usage recording.
 */
export function buildSharedState(config: Config, log: Logger, onReload: (outcome: ReloadOutcome) => void): SharedState {
  const redis: Redis | undefined = config.redis ? createRedis(config.redis, log) : undefined;
  const usage = createUsageRecorder(config, redis, log);
  return {
    redis,
    caches: buildCaches(config, redis, log),
    supergraph: createSupergraphSource(config, redis, log, onReload),
    usage,
    close: async () => {
      await usage?.stop();
      if (redis) await closeRedis(redis);
    },
  };
}

function createSupergraphSource(config: Config, redis: Redis | undefined, log: Logger, onReload: (outcome: ReloadOutcome) => void): SupergraphSource {
  if (config.supergraph.source === 'redis' && redis && config.redis) {
    return new RedisSupergraphManager({
      redis,
      keyPrefix: config.redis.keyPrefix,
      fallbackPath: config.supergraph.path,
      pollMs: config.supergraph.pollMs,
      log,
      onReload,
    });
  }
  return new FileSupergraphManager({ path: config.supergraph.path, watch: config.supergraph.watch, log, onReload });
}

function createUsageRecorder(config: Config, redis: Redis | undefined, log: Logger): UsageRecorder | undefined {
  const usage = config.usage;
  if (!usage) return undefined;
  const sink = usage.sink === 'file' ? new FileUsageSink(usage.path) : redis && new RedisUsageSink(redis);
  return sink ? new UsageRecorder({ sink, flushMs: usage.flushMs, log }) : undefined;
}
