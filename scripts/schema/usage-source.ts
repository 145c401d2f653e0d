import { Redis } from 'ioredis';
import { readUsageFile, USAGE_COUNTS_KEY, usageOperationsKey } from '../../gateway/src/usage/usage-sink';
import type { CoordinateUsage, UsageData } from './usage-report';

/** Usage the gateway fleet recorded in Redis (same REDIS_URL and REDIS_KEY_PREFIX as the gateways). */
export async function readUsageFromRedis(url: string, keyPrefix: string): Promise<UsageData> {
  const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await redis.connect();
    const counts = await redis.hgetall(USAGE_COUNTS_KEY);
    const usage = new Map<string, CoordinateUsage>();
    for (const [coordinate, count] of Object.entries(counts)) {
      const operations = (await redis.smembers(usageOperationsKey(coordinate))).sort();
      usage.set(coordinate, { count: Number(count), operations });
    }
    return usage;
  } finally {
    redis.disconnect();
  }
}

/** Usage one gateway recorded in USAGE_FILE. */
export async function readUsageFromFile(path: string): Promise<UsageData> {
  const stored = await readUsageFile(path);
  return new Map(Object.entries(stored).map(([coordinate, u]) => [coordinate, { count: u.count, operations: u.operations }]));
}
