import { LRUCache } from 'lru-cache';
import type { RedisClient } from '../redis';
import { LimiterUnavailableError } from './rate-limiters';
import { give, take, type BucketShape, type BucketState } from './token-bucket';

export interface BudgetDecision {
  allowed: boolean;
  /** Points left in the caller's bucket after this decision. */
  available: number;
  retryAfterMs: number;
}

/** Per-caller cost buckets: `take` before execution, `give` back the unused part after. */
export interface BudgetStore {
  take(caller: string, cost: number): Promise<BudgetDecision>;
  /** Returns the points available afterwards. */
  give(caller: string, points: number): Promise<number>;
}

/** One instance's buckets; also the fail-open fallback when Redis is down. */
export class MemoryBudgetStore implements BudgetStore {
  // Bounded: a flood of distinct callers evicts the least recent buckets (a full bucket is the same as none).
  private readonly buckets = new LRUCache<string, BucketState>({ max: 100_000 });

  constructor(private readonly shape: BucketShape) {}

  async take(caller: string, cost: number): Promise<BudgetDecision> {
    const result = take(this.buckets.get(caller), cost, Date.now(), this.shape);
    this.buckets.set(caller, result.state);
    return { allowed: result.allowed, available: result.available, retryAfterMs: result.retryAfterMs };
  }

  async give(caller: string, points: number): Promise<number> {
    const state = give(this.buckets.get(caller), points, Date.now(), this.shape);
    this.buckets.set(caller, state);
    return state.tokens;
  }
}

/**
 * The same token bucket as token-bucket.ts, atomically in Redis: one script reads, refills and
 * takes (or gives) in a single step, with Redis's own clock so every gateway instance agrees.
 * A hand-written script rather than rate-limiter-flexible because its limiters count fixed
 * windows (points per duration), whereas a budget restores continuously (N points per second)
 * and must take a variable cost atomically only when all of it is available.
 */
const BUCKET_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local op = ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(h[1])
local ts = tonumber(h[2])
if tokens == nil or ts == nil then tokens = capacity; ts = now end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000)
local allowed = 1
local retry = 0
if op == 'take' then
  if tokens >= amount then tokens = tokens - amount else allowed = 0; retry = math.ceil((amount - tokens) * 1000 / rate) end
else
  tokens = math.min(capacity, tokens + amount)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
return {allowed, tostring(tokens), retry}
`;

interface BucketCommand {
  frontdoorCostBucket(key: string, capacity: number, rate: number, amount: number, op: 'take' | 'give'): Promise<[number, string, number]>;
}

export class RedisBudgetStore implements BudgetStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly shape: BucketShape,
  ) {
    if (!('frontdoorCostBucket' in redis)) redis.defineCommand('frontdoorCostBucket', { numberOfKeys: 1, lua: BUCKET_SCRIPT });
  }

  async take(caller: string, cost: number): Promise<BudgetDecision> {
    const [allowed, tokens, retryAfterMs] = await this.run(caller, cost, 'take');
    return { allowed: allowed === 1, available: Number(tokens), retryAfterMs: Number(retryAfterMs) };
  }

  async give(caller: string, points: number): Promise<number> {
    return Number((await this.run(caller, points, 'give'))[1]);
  }

  private run(caller: string, amount: number, op: 'take' | 'give') {
    // Not connected (reconnecting after an outage): fail now instead of waiting out the command timeout.
    if (this.redis.status !== 'ready') return Promise.reject(new Error(`redis is ${this.redis.status}`));
    const command = this.redis as unknown as BucketCommand;
    return command.frontdoorCostBucket(`budget:${caller}`, this.shape.capacity, this.shape.restorePerSecond, amount, op);
  }
}

/** Redis first; on failure the per-instance fallback (fail-open) or LimiterUnavailableError (fail-closed). */
export class FailoverBudgetStore implements BudgetStore {
  constructor(
    private readonly primary: BudgetStore,
    private readonly fallback: BudgetStore | undefined,
    private readonly onFallback: () => void,
  ) {}

  take(caller: string, cost: number): Promise<BudgetDecision> {
    return this.attempt((s) => s.take(caller, cost));
  }

  give(caller: string, points: number): Promise<number> {
    return this.attempt((s) => s.give(caller, points));
  }

  private async attempt<T>(op: (store: BudgetStore) => Promise<T>): Promise<T> {
    try {
      return await op(this.primary);
    } catch (err) {
      if (!this.fallback) throw new LimiterUnavailableError(err);
      this.onFallback();
      return op(this.fallback);
    }
  }
}

