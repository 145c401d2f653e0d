import path from 'node:path';
import { z } from 'zod';
import { bool, int } from '../env-values';

/** Field-usage recording, merged into config.ts's one schema. docs/configuration.md documents each. */
export const USAGE_ENV = {
  /** Record which fields operations use, for `npm run check`'s usage-aware report (needs REDIS_URL or USAGE_FILE). @default true */
  USAGE_RECORDING: bool.default(true),
  /** Without Redis: JSON file that recorded usage is merged into. @default unset (no recording without Redis) */
  USAGE_FILE: z.string().min(1).optional(),
  /** How often recorded usage is written out, in milliseconds. @default 10000 */
  USAGE_FLUSH_MS: int(100, 3_600_000).default(10_000),
};

const UsageEnvSchema = z.object(USAGE_ENV);
type UsageEnv = z.output<typeof UsageEnvSchema>;

/** Field-usage recording; false when off or when there is nowhere to keep it. */
export type UsageConfig = false | { sink: 'redis'; flushMs: number } | { sink: 'file'; path: string; flushMs: number };

/** Redis wins when there is one: every instance then adds to the same counts. */
export function toUsageConfig(e: UsageEnv, hasRedis: boolean): UsageConfig {
  if (!e.USAGE_RECORDING) return false;
  if (hasRedis) return { sink: 'redis', flushMs: e.USAGE_FLUSH_MS };
  if (e.USAGE_FILE) return { sink: 'file', path: path.resolve(e.USAGE_FILE), flushMs: e.USAGE_FLUSH_MS };
  return false;
}
