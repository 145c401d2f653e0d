import { createLogger } from '../../gateway/src/logger';
import { closeRedis, connectRedis } from '../../gateway/src/redis';
import type { RedisConfig } from '../../gateway/src/store/redis-config';
import { readUsageFile, USAGE_COUNTS_KEY, usageOperationsKey } from '../../gateway/src/usage/usage-sink';
import type { CoordinateUsage, UsageData } from './usage-report';

/** Usage the gateway fleet recorded in Redis (the gateways' Redis settings: one server, Sentinel or a cluster). */
export async function readUsageFromRedis(config: RedisConfig): Promise<UsageData> {
  const redis = await connectRedis(config, createLogger({ level: 'silent', pretty: false }));
  try {
    const counts = await redis.hgetall(USAGE_COUNTS_KEY);
    const coordinates = Object.keys(counts);
    const operations = await Promise.all(coordinates.map((c) => redis.smembers(usageOperationsKey(c))));
    const usage = new Map<string, CoordinateUsage>();
    coordinates.forEach((coordinate, i) => usage.set(coordinate, { count: Number(counts[coordinate]), operations: (operations[i] ?? []).sort() }));
    return usage;
  } finally {
    await closeRedis(redis);
  }
}

/** Usage one gateway recorded in USAGE_FILE. */
export async function readUsageFromFile(path: string): Promise<UsageData> {
  const stored = await readUsageFile(path);
  return new Map(Object.entries(stored).map(([coordinate, u]) => [coordinate, { count: u.count, operations: u.operations }]));
}
