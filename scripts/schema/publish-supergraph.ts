import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { SUPERGRAPH_KEY, supergraphChannel } from '../../gateway/src/supergraph/redis-supergraph-keys';

/** Writes a file so a watching gateway never sees half of it: write aside, then rename. */
export async function writeFileAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, file);
}

/**
 * Stores the supergraph where every gateway with SUPERGRAPH_SOURCE=redis reads it, then tells
 * them. Returns how many instances were subscribed when the notification went out.
 */
export async function publishToRedis(url: string, keyPrefix: string, supergraphSdl: string): Promise<number> {
  const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.set(SUPERGRAPH_KEY, supergraphSdl);
    return await redis.publish(supergraphChannel(keyPrefix), 'updated');
  } finally {
    redis.disconnect();
  }
}
