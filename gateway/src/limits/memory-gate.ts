import { LRUCache } from 'lru-cache';
import type { RevocationList } from '../auth/revocation';
import { limitResult, type GateOutcome, type GateRequest, type RateLimitResult, type RequestGate } from './request-gate';
import { give, take, type BucketState } from './token-bucket';

/** Callers' windows and buckets one process keeps; the least recent go first (a full bucket or an empty window is the same as none). */
const MAX_ENTRIES = 100_000;

/**
 * The gate in this process's memory, with the same rules and order as the Redis script
 * (gate-script.ts): the embedded default without Redis, and the per-instance fallback when Redis
 * fails in fail-open mode (then without revocations, which the caller decides separately).
 */
export class MemoryRequestGate implements RequestGate {
  private readonly windows = new LRUCache<string, { count: number; resetAtMs: number }>({ max: MAX_ENTRIES });
  private readonly buckets = new LRUCache<string, BucketState>({ max: MAX_ENTRIES });

  /** `revocations`: this process's list (no Redis); absent for the fail-open fallback. */
  constructor(private readonly revocations?: RevocationList) {}

  async check(request: GateRequest, nowMs = Date.now()): Promise<GateOutcome> {
    const { budget } = request;
    if (budget && budget.refund > 0) this.buckets.set(budget.key, give(this.buckets.get(budget.key), budget.refund, nowMs, budget.shape));
    if (request.token && this.revocations) {
      const verdict = await this.revocations.check(request.token);
      if (verdict !== 'valid') return { status: verdict };
    }
    const limits: RateLimitResult[] = [];
    for (const [index, limit] of request.limits.entries()) {
      let window = this.windows.get(limit.key);
      if (!window || window.resetAtMs <= nowMs) window = { count: 0, resetAtMs: nowMs + limit.windowSeconds * 1000 };
      window.count += limit.count;
      this.windows.set(limit.key, window);
      const result = limitResult(limit, window.count, window.resetAtMs - nowMs);
      limits.push(result);
      if (!result.allowed) return { status: 'limited', limits, over: index };
    }
    if (!budget) return { status: 'admitted', limits };
    const taken = take(this.buckets.get(budget.key), budget.take, nowMs, budget.shape);
    this.buckets.set(budget.key, taken.state);
    const decision = { allowed: taken.allowed, available: taken.available, retryAfterMs: taken.retryAfterMs };
    return taken.allowed ? { status: 'admitted', limits, budget: decision } : { status: 'throttled', limits, budget: decision };
  }
}
