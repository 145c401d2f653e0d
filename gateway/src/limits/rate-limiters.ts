import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis';

/** One limiter decision, with what the `RateLimit-*` headers report. */
export interface RateLimitResult {
  allowed: boolean;
  /** Points per window. */
  limit: number;
  /** Points left in the window (0 when over). */
  remaining: number;
  /** Until the window resets, in ms. */
  resetMs: number;
  /** Window length, in seconds. */
  windowSeconds: number;
}

/** Redis could not answer and the failure mode is fail-closed. */
export class LimiterUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`rate limiter store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LimiterUnavailableError';
  }
}

export interface RateLimitersOptions {
  /** The gateway's shared client; absent → in-memory limiters (one instance only). */
  redis: RedisClient | undefined;
  failureMode: 'fail-open' | 'fail-closed';
  /** Called each time a Redis failure is answered from the per-instance fallback (fail-open). */
  onFallback: () => void;
}

/**
 * rate-limiter-flexible limiters, one per (purpose, points, window), created on first use (the
 * supergraph decides which `@rateLimit` rules exist, and a reload may add some). With Redis,
 * every instance counts in the same key with one atomic Lua script per consume, which is what
 * makes "3 instances, limit 10 → exactly 10" hold. `rejectIfRedisNotReady` answers at once while
 * the client reconnects instead of waiting out the command timeout; in fail-open mode the
 * library's `insuranceLimiter` (an in-memory limiter of the same shape) takes over.
 */
export class RateLimiters {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly opts: RateLimitersOptions) {}

  /** Consumes `points` for `key`; throws LimiterUnavailableError only in fail-closed mode. */
  async consume(purpose: string, key: string, rule: { points: number; durationSeconds: number }, points: number): Promise<RateLimitResult> {
    const limiter = this.limiterFor(purpose, rule);
    const shape = { limit: rule.points, windowSeconds: rule.durationSeconds };
    try {
      const res = await limiter.consume(key, points);
      return { allowed: true, remaining: res.remainingPoints, resetMs: res.msBeforeNext, ...shape };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { allowed: false, remaining: err.remainingPoints, resetMs: err.msBeforeNext, ...shape };
      throw new LimiterUnavailableError(err);
    }
  }

  private limiterFor(purpose: string, rule: { points: number; durationSeconds: number }): RateLimiterAbstract {
    const id = `${purpose}:${rule.points}:${rule.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (limiter) return limiter;
    // The window is part of the key: a reload that changes a field's window starts a fresh count.
    const base = { points: rule.points, duration: rule.durationSeconds, keyPrefix: `rl:${purpose}:${rule.durationSeconds}` };
    if (!this.opts.redis) {
      limiter = new RateLimiterMemory(base);
    } else {
      limiter = new RateLimiterRedis({
        ...base,
        storeClient: this.opts.redis,
        rejectIfRedisNotReady: true,
        ...(this.opts.failureMode === 'fail-open' ? { insuranceLimiter: new FallbackMemoryLimiter(base, this.opts.onFallback) } : {}),
      });
    }
    this.limiters.set(id, limiter);
    return limiter;
  }
}

/** The fail-open insurance: an ordinary in-memory limiter that reports each use. */
class FallbackMemoryLimiter extends RateLimiterMemory {
  constructor(
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(opts);
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}
