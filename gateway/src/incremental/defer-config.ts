import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The @defer variables (merged into config.ts's one schema). docs/configuration.md documents each. */
export const DEFER_ENV = {
  /** Accept `@defer` and stream deferred parts as `multipart/mixed` to clients that ask for it. @default true */
  DEFER_ENABLED: bool.default(true),
  /**
   * Longest a deferred response may stream, in ms from the request's arrival: parts not delivered
   * by then arrive as null with DEFER_TIMEOUT and the stream ends. @default 15000
   */
  DEFER_TIMEOUT_MS: int(100, 600_000).default(15_000),
};

const DeferEnvSchema = z.object(DEFER_ENV);
type DeferEnv = z.output<typeof DeferEnvSchema>;

/** `false` when DEFER_ENABLED=false. */
export type DeferConfig = false | { timeoutMs: number };

export function toDeferConfig(e: DeferEnv): DeferConfig {
  return e.DEFER_ENABLED ? { timeoutMs: e.DEFER_TIMEOUT_MS } : false;
}
