import { LRUCache } from 'lru-cache';
import type { TokenVerifier, VerifiedToken } from './jwt';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; 0 turns the cache off. */
  maxEntries: number;
  /** Longest a verification is reused, in ms (bounds how long a key removed from a JWKS still verifies). */
  maxAgeMs: number;
  /** Skew jose allows past `exp`: a cached token stays valid exactly as long as a fresh check would pass. */
  clockToleranceMs: number;
}

/**
 * Remembers tokens that passed verification, keyed by the whole compact token, so a client sending
 * the same bearer token on every request pays for the signature check and claim parsing once per
 * `maxAgeMs` instead of per request (jose was ~3% of gateway CPU under load). Only successes are
 * kept; a token is dropped before its `exp` would refuse it. Revocation is NOT cached: logout still
 * takes effect on the next request (authenticate.ts checks it every time).
 */
export function cacheVerifiedTokens(verify: TokenVerifier, opts: VerifiedTokenCacheOptions): TokenVerifier {
  if (opts.maxEntries <= 0) return verify;
  // Our own wall-clock deadline per entry (not lru-cache's ttl, which runs on a monotonic clock):
  // `exp` is wall-clock time, and jose compares it with Date.now().
  const cache = new LRUCache<string, { verified: VerifiedToken; reuseUntilMs: number }>({ max: opts.maxEntries });
  return async (token) => {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && now < hit.reuseUntilMs) return hit.verified;
    const verified = await verify(token);
    const reuseUntilMs = Math.min(now + opts.maxAgeMs, verified.expiresAtMs + opts.clockToleranceMs);
    if (reuseUntilMs > now) cache.set(token, { verified, reuseUntilMs });
    return verified;
  };
}
