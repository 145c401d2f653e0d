import type { RateLimitResult } from './request-gate';

/**
 * Pure: the `RateLimit-*` headers (IETF draft "RateLimit header fields for HTTP") for the limits
 * one request consumed from. Several limits apply to one request (the global one and each
 * `@rateLimit` field); the headers describe the one closest to running out, so a client that
 * paces itself by them never hits any of the others first.
 */
export function rateLimitHeaders(results: readonly RateLimitResult[]): Record<string, string> {
  const tightest = [...results].sort((a, b) => a.remaining - b.remaining || b.resetMs - a.resetMs)[0];
  if (!tightest) return {};
  return {
    'ratelimit-limit': String(tightest.limit),
    'ratelimit-remaining': String(tightest.remaining),
    'ratelimit-reset': String(Math.ceil(tightest.resetMs / 1000)),
    'ratelimit-policy': `${tightest.limit};w=${tightest.windowSeconds}`,
  };
}

/** `Retry-After` in whole seconds, at least 1 (0 would invite an immediate retry). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
