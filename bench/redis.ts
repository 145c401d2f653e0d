/**
 * The Redis behind the "Frontdoor with Redis" row. By default the bench starts its own
 * `redis-server` on a free port (no persistence, as a cache-only Redis runs): the machine's shared
 * Redis on 6379 also serves other test runs, whose load would land in our figures and ours in their
 * timings, and a server of our own makes the row reproducible wherever `redis-server` is installed.
 * BENCH_REDIS_URL points the row at an existing Redis instead (e.g. one on another host, as deployed);
 * either way the keys get a prefix of this run's own.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { seedRevocationEpochs } from '../gateway/src/auth/redis-revocations';
import type { BenchRedis } from './features';
import { spawnRedis } from '../test/helpers/own-redis';
import { freePort, type Child } from './processes';

export type BenchRedisStart = { ok: true; redis: BenchRedis; children: Child[]; origin: string } | { ok: false; reason: string };

export async function startBenchRedis(env: NodeJS.ProcessEnv = process.env): Promise<BenchRedisStart> {
  const keyPrefix = `bench:${randomUUID()}:`;
  if (env.BENCH_REDIS_URL) {
    await declareNew(env.BENCH_REDIS_URL, keyPrefix);
    return { ok: true, redis: { url: env.BENCH_REDIS_URL, keyPrefix }, children: [], origin: `BENCH_REDIS_URL (${env.BENCH_REDIS_URL})` };
  }
  const port = await freePort();
  let proc;
  try {
    // The same start-up as the tests' own Redis servers (no persistence, resolves on PING).
    proc = await spawnRedis(port);
  } catch (err) {
    return { ok: false, reason: `redis-server could not start (${(err as Error).message})` };
  }
  const child: Child = { name: 'redis-server', proc, stderrTail: [] };
  await declareNew(`redis://127.0.0.1:${port}`, keyPrefix);
  return { ok: true, redis: { url: `redis://127.0.0.1:${port}`, keyPrefix }, children: [child], origin: `its own redis-server on port ${port}, no persistence` };
}

/**
 * The caller pool's tokens are signed before the gateways start; a gateway's first start on a new
 * key prefix would refuse every token issued up to then (auth/redis-revocations.ts: a new prefix
 * looks like one that lost its revocations). This prefix is new, so it is declared new.
 */
async function declareNew(url: string, keyPrefix: string): Promise<void> {
  const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await seedRevocationEpochs(redis, 0);
  } finally {
    redis.disconnect();
  }
}
