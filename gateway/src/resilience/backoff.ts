/**
 * Pure backoff math for subgraph retries.
 * "Full jitter" (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(max, base × 2^attempt)] spreads the retries of many gateway instances instead of
 * having them hit a recovering subgraph in lock-step.
 */
export function backoffDelayMs(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.round(random() * ceiling);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Returns ms from `nowMs`, or
 * undefined when absent or unreadable (then the backoff alone decides).
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
