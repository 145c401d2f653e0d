import { readFile, rename, writeFile } from 'node:fs/promises';
import type { RedisClient } from '../redis';
import { MAX_OPERATION_NAMES_PER_COORDINATE, type UsageBatch } from './usage-aggregator';

/** Where recorded usage lives, so `npm run check` can read it back (scripts/schema/usage-source.ts). */
export interface UsageSink {
  write(batch: UsageBatch): Promise<void>;
}

export interface StoredUsage {
  count: number;
  operations: string[];
}

/** Redis keys (under the deployment's REDIS_KEY_PREFIX). */
export const USAGE_COUNTS_KEY = 'usage:counts';
export const usageOperationsKey = (coordinate: string): string => `usage:ops:${coordinate}`;

/** A fleet: every instance adds into one hash, so the totals cover all traffic. */
export class RedisUsageSink implements UsageSink {
  constructor(private readonly redis: RedisClient) {}

  async write(batch: UsageBatch): Promise<void> {
    // Separate commands, not a pipeline: in a cluster the keys live in different slots. Sent in
    // one tick, the client writes them together anyway (auto-pipelining, one batch per node).
    const writes: Array<Promise<unknown>> = [];
    for (const [coordinate, count] of batch.counts) writes.push(this.redis.hincrby(USAGE_COUNTS_KEY, coordinate, count));
    for (const [coordinate, names] of batch.operations) {
      if (names.size > 0) writes.push(this.redis.sadd(usageOperationsKey(coordinate), ...names));
    }
    await Promise.all(writes);
  }
}

/** One instance without Redis: a JSON file merged on every flush (written aside, then renamed). */
export class FileUsageSink implements UsageSink {
  constructor(private readonly path: string) {}

  async write(batch: UsageBatch): Promise<void> {
    const stored = await readUsageFile(this.path);
    for (const [coordinate, count] of batch.counts) {
      const entry = stored[coordinate] ?? { count: 0, operations: [] };
      entry.count += count;
      const names = new Set([...entry.operations, ...(batch.operations.get(coordinate) ?? [])]);
      entry.operations = [...names].slice(0, MAX_OPERATION_NAMES_PER_COORDINATE).sort();
      stored[coordinate] = entry;
    }
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(stored, null, 2)}\n`);
    await rename(tmp, this.path);
  }
}

export async function readUsageFile(path: string): Promise<Record<string, StoredUsage>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, StoredUsage>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}
