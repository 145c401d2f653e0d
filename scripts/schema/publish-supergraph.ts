import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../../gateway/src/logger';
import { closeRedis, connectRedis } from '../../gateway/src/redis';
import type { RedisConfig } from '../../gateway/src/store/redis-config';
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
 * them (one server, Sentinel or a cluster: the gateways' own Redis settings). Returns how many
 * subscribers heard the notification: in a cluster only those on the node that received it,
 * although PUBLISH reaches every node's subscribers.
 */
export async function publishToRedis(config: RedisConfig, supergraphSdl: string): Promise<number> {
  // A supergraph is large: give the write more than the gateways' per-request command timeout.
  const redis = await connectRedis({ ...config, commandTimeoutMs: Math.max(config.commandTimeoutMs, 10_000) }, createLogger({ level: 'silent', pretty: false }));
  try {
    await redis.set(SUPERGRAPH_KEY, supergraphSdl);
    return await redis.publish(supergraphChannel(config.keyPrefix), 'updated');
  } finally {
    await closeRedis(redis);
  }
}
