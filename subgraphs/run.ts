/**
 * The body of every `subgraphs/<name>/main.ts`: config → startSubgraph → SIGTERM/SIGINT → stop → exit.
 * The only code in the subgraphs that exits the process.
 */
import { Redis } from 'ioredis';
import { createSubgraph, DEFAULT_SUBGRAPH_PORTS } from './registry';
import { ConfigError, loadSubgraphConfig, type Env, type SubgraphConfig } from './shared/config';
import type { SubgraphName } from './shared/definition';
import { MemoryIdempotencyStore, RedisIdempotencyStore } from './shared/idempotency';
import { createLogger, type Logger } from './shared/logger';
import { MemoryPubSub, type PubSub } from './shared/pubsub';
import { RedisPubSub } from './shared/redis-pubsub';
import { startSubgraph } from './shared/server';

export async function runSubgraph(name: SubgraphName, env: Env): Promise<void> {
  const log = createLogger({ service: name, level: env['LOG_LEVEL'] === 'silent' ? 'silent' : 'info' });
  const config = loadConfigOrExit(name, env, log);
  // Redis when configured: replicas then share events (a mutation on one reaches subscribers on all)
  // and idempotency records (a repeated key is recognised whichever replica it reaches).
  const pubsub: PubSub = config.redisUrl ? new RedisPubSub({ url: config.redisUrl, prefix: `${config.redisKeyPrefix}events:`, log }) : new MemoryPubSub();
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  const ttls = { ttlMs: config.idempotencyTtlS * 1000 };
  const idempotency = redis ? new RedisIdempotencyStore(redis, `${config.redisKeyPrefix}${name}:idempotency:`, ttls) : new MemoryIdempotencyStore(ttls);
  try {
    const subgraph = createSubgraph(name, { seedUsers: config.seedUsers, pubsub, orderProgressionMs: config.orderProgressionMs, idempotency });
    const handle = await startSubgraph(subgraph, {
      port: config.port,
      host: config.host,
      latencyMs: config.latencyMs,
      logLevel: config.logLevel,
      identitySecret: config.identitySecret,
    });
    const shutdown = (signal: NodeJS.Signals): void => {
      log.info({ signal }, 'shutting down');
      handle.stop().then(
        async () => {
          await pubsub.close();
          redis?.disconnect();
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  } catch (error) {
    log.error({ err: error }, 'startup failed');
    process.exit(1);
  }
}

function loadConfigOrExit(name: SubgraphName, env: Env, log: Logger): SubgraphConfig {
  try {
    return loadSubgraphConfig(env, { port: DEFAULT_SUBGRAPH_PORTS[name] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error({ code: error.code, issues: error.issues }, 'invalid configuration');
    return process.exit(1);
  }
}
