import { bool, int } from '../env-values';

/** Idempotent mutations (the `Idempotency-Key` header), merged into config.ts's one schema. docs/configuration.md documents each. */
export const IDEMPOTENCY_ENV = {
  /** Honour `Idempotency-Key` on mutations: keep completed responses, refuse reuse and concurrent repeats, pass the key to subgraphs. @default true */
  IDEMPOTENCY_ENABLED: bool.default(true),
  /** How long a completed mutation's response is kept for repeats of its key, in seconds. @default 86400 (24 h) */
  IDEMPOTENCY_TTL_S: int(1, 30 * 86_400).default(86_400),
  /** Longest a key stays "in use" by a request that never finished (a crashed instance), in ms; repeats meanwhile get 409. @default 60000 */
  IDEMPOTENCY_IN_FLIGHT_MS: int(100, 3_600_000).default(60_000),
};

interface IdempotencyEnv {
  IDEMPOTENCY_ENABLED: boolean;
  IDEMPOTENCY_TTL_S: number;
  IDEMPOTENCY_IN_FLIGHT_MS: number;
}

/** `false` when IDEMPOTENCY_ENABLED=false: the header is then ignored. */
export type IdempotencyConfig = false | { ttlMs: number; inFlightMs: number };

export function toIdempotencyConfig(e: IdempotencyEnv): IdempotencyConfig {
  return e.IDEMPOTENCY_ENABLED ? { ttlMs: e.IDEMPOTENCY_TTL_S * 1000, inFlightMs: e.IDEMPOTENCY_IN_FLIGHT_MS } : false;
}
