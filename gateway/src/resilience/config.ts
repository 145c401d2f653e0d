import { z } from 'zod';
import { bool, int } from '../env-values';

/**
 * The resilience variables, merged into config.ts's one EnvSchema. docs/configuration.md documents each.
 * `SUBGRAPH_TIMEOUT_MS_<NAME>` is open-ended and read by `readTimeoutOverrides`.
 */
export const ResilienceEnvSchema = z.object({
  /** Extra attempts for a failed subgraph query (never a mutation); 0 turns retries off. @default 2 */
  SUBGRAPH_RETRY_MAX: int(0, 10).default(2),
  /** First backoff step, in ms; doubles per attempt, full jitter. @default 25 */
  SUBGRAPH_RETRY_BASE_DELAY_MS: int(1, 60_000).default(25),
  /** Longest backoff between two attempts, in ms (a longer `Retry-After` is honoured only within the deadline). @default 500 */
  SUBGRAPH_RETRY_MAX_DELAY_MS: int(1, 600_000).default(500),
  /** Retries per subgraph may be at most this percentage of its requests over the budget window. @default 20 */
  SUBGRAPH_RETRY_BUDGET_PERCENT: int(0, 100).default(20),
  /** Retries always allowed per subgraph and window, so a quiet gateway can still retry. @default 10 */
  SUBGRAPH_RETRY_BUDGET_MIN: int(0, 100_000).default(10),
  /** Sliding window of the retry budget, in ms. @default 10000 */
  SUBGRAPH_RETRY_BUDGET_WINDOW_MS: int(100, 600_000).default(10_000),
  /** One circuit breaker per subgraph. @default true */
  CIRCUIT_BREAKER_ENABLED: bool.default(true),
  /** Failure percentage over the rolling window that opens a subgraph's circuit. @default 50 */
  CIRCUIT_BREAKER_ERROR_PERCENT: int(1, 100).default(50),
  /** Calls needed in the window before the circuit may open (no opening on 1 failure of 1). @default 20 */
  CIRCUIT_BREAKER_VOLUME_THRESHOLD: int(1, 1_000_000).default(20),
  /** Rolling window of the failure rate, in ms. @default 10000 */
  CIRCUIT_BREAKER_WINDOW_MS: int(100, 600_000).default(10_000),
  /**
   * Consecutive connection-level failures (refused, reset) that open a subgraph's circuit at once, whatever the failure
   * rate: a refused connection fails in a millisecond and says the subgraph is not there. 0: only the rate opens it. @default 5
   */
  CIRCUIT_BREAKER_CONNECTION_FAILURES: int(0, 1_000_000).default(5),
  /** How long a newly opened circuit fails fast before the first probe call is let through (half-open), in ms. @default 1000 */
  CIRCUIT_BREAKER_FIRST_PROBE_MS: int(10, 600_000).default(1000),
  /** Longest wait between two probes of an open circuit, in ms: after the first, each waits half as long as the circuit has been open, up to this. @default 10000 */
  CIRCUIT_BREAKER_RESET_MS: int(10, 600_000).default(10_000),
  /** An open circuit makes GET /ready answer 503 (else it is only reported in the body). @default false */
  CIRCUIT_BREAKER_OPEN_NOT_READY: bool.default(false),
  /** Identical concurrent subgraph queries share one request. @default true */
  SUBGRAPH_DEDUP: bool.default(true),
});

type ResilienceEnv = z.infer<typeof ResilienceEnvSchema>;

export interface RetryConfig {
  /** Extra attempts after the first. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1: retries ≤ ratio × requests over the window (plus `budgetMinPerWindow`). */
  budgetRatio: number;
  budgetMinPerWindow: number;
  budgetWindowMs: number;
}

export interface BreakerConfig {
  errorThresholdPercent: number;
  volumeThreshold: number;
  windowMs: number;
  /** Consecutive connection-level failures that open the circuit at once; 0 = off. */
  connectionFailures: number;
  /** Open → first half-open probe, in ms (never above resetMs). */
  firstProbeMs: number;
  /** Longest open → half-open wait, in ms. */
  resetMs: number;
  /** Readiness policy: does an open circuit make the gateway not ready? */
  openMakesNotReady: boolean;
}

export interface ResilienceConfig {
  /** Subgraph name (lower case) → deadline in ms, overriding SUBGRAPH_TIMEOUT_MS. */
  timeoutMsBySubgraph: Readonly<Record<string, number>>;
  /** `false` when SUBGRAPH_RETRY_MAX=0. */
  retry: false | RetryConfig;
  breaker: false | BreakerConfig;
  dedup: boolean;
}

export function toResilienceConfig(e: ResilienceEnv, timeoutMsBySubgraph: Record<string, number>): ResilienceConfig {
  return {
    timeoutMsBySubgraph,
    retry:
      e.SUBGRAPH_RETRY_MAX === 0
        ? false
        : {
            maxRetries: e.SUBGRAPH_RETRY_MAX,
            baseDelayMs: e.SUBGRAPH_RETRY_BASE_DELAY_MS,
            maxDelayMs: Math.max(e.SUBGRAPH_RETRY_MAX_DELAY_MS, e.SUBGRAPH_RETRY_BASE_DELAY_MS),
            budgetRatio: e.SUBGRAPH_RETRY_BUDGET_PERCENT / 100,
            budgetMinPerWindow: e.SUBGRAPH_RETRY_BUDGET_MIN,
            budgetWindowMs: e.SUBGRAPH_RETRY_BUDGET_WINDOW_MS,
          },
    breaker: e.CIRCUIT_BREAKER_ENABLED
      ? {
          errorThresholdPercent: e.CIRCUIT_BREAKER_ERROR_PERCENT,
          volumeThreshold: e.CIRCUIT_BREAKER_VOLUME_THRESHOLD,
          windowMs: e.CIRCUIT_BREAKER_WINDOW_MS,
          connectionFailures: e.CIRCUIT_BREAKER_CONNECTION_FAILURES,
          firstProbeMs: Math.min(e.CIRCUIT_BREAKER_FIRST_PROBE_MS, e.CIRCUIT_BREAKER_RESET_MS),
          resetMs: e.CIRCUIT_BREAKER_RESET_MS,
          openMakesNotReady: e.CIRCUIT_BREAKER_OPEN_NOT_READY,
        }
      : false,
    dedup: e.SUBGRAPH_DEDUP,
  };
}

const TIMEOUT_OVERRIDE_PREFIX = 'SUBGRAPH_TIMEOUT_MS_';

/** `SUBGRAPH_TIMEOUT_MS_<NAME>=<ms>` → { name: ms }, the same naming as SUBGRAPH_URL_<NAME>. */
export function readTimeoutOverrides(env: Record<string, unknown>, problems: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(TIMEOUT_OVERRIDE_PREFIX) || value === undefined) continue;
    const name = key.slice(TIMEOUT_OVERRIDE_PREFIX.length).toLowerCase();
    const ms = Number(value);
    if (!name) problems.push(`${key}: needs a subgraph name after ${TIMEOUT_OVERRIDE_PREFIX}`);
    else if (!Number.isInteger(ms) || ms < 1 || ms > 600_000) problems.push(`${key}: must be an integer from 1 to 600000 (got ${JSON.stringify(value)})`);
    else out[name] = ms;
  }
  return out;
}

/** The deadline of one call to `subgraph`: its override, else the global SUBGRAPH_TIMEOUT_MS. */
export function timeoutMsFor(resilience: ResilienceConfig, defaultTimeoutMs: number, subgraph: string): number {
  return resilience.timeoutMsBySubgraph[subgraph.toLowerCase()] ?? defaultTimeoutMs;
}
