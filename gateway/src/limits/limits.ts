import type { ClientPolicy } from '../clients/client-config';
import type { LimitsConfig } from '../limits/limits-config';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';
import type { Logger } from '../logger';
import type { Redis } from '../redis';
import { callerKey } from './caller';
import { FailoverBudgetStore, MemoryBudgetStore, RedisBudgetStore, type BudgetDecision, type BudgetStore } from './cost-budget';
import { redisFallbackCounter } from './metrics';
import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';
import type { FieldRateLimit } from './rate-limit-rules';
import { LimiterUnavailableError, RateLimiters, type RateLimitResult } from './rate-limiters';
import { limitsState, rateLimitResults } from './request-state';

/** How often a Redis outage is logged by the limits, in ms: once per window, not per request. */
const FALLBACK_LOG_INTERVAL_MS = 10_000;

export interface LimitsOptions {
  config: LimitsConfig;
  redis: Redis | undefined;
  log: Logger;
  /** Every client policy, the default included: each with a budget gets its own store (one bucket shape per store). */
  policies: readonly ClientPolicy[];
}

/**
 * The stateful half of the limits (limiters and budgets, in Redis or memory), shared by the
 * context function (global limit) and the limits plugin (fields, cost, budget). It turns every
 * decision into the client-visible error; the pure calculators decide nothing about I/O.
 */
export class Limits {
  readonly config: LimitsConfig;
  private readonly rateLimiters: RateLimiters | undefined;
  /** One store per client policy with a budget: a store is built for one bucket shape. */
  private readonly budgets = new Map<ClientPolicy, BudgetStore>();
  private readonly log: Logger;
  private lastFallbackLogMs = 0;

  constructor(opts: LimitsOptions) {
    this.config = opts.config;
    this.log = opts.log;
    const { config, redis } = opts;
    const failOpen = config.failureMode === 'fail-open';
    if (config.rateLimit) {
      this.rateLimiters = new RateLimiters({ redis, failureMode: config.failureMode, onFallback: () => this.fellBack('rate-limit') });
    }
    for (const policy of opts.policies) {
      if (!policy.budget) continue;
      const memory = new MemoryBudgetStore(policy.budget);
      this.budgets.set(
        policy,
        redis ? new FailoverBudgetStore(new RedisBudgetStore(redis, policy.budget), failOpen ? memory : undefined, () => this.fellBack('cost-budget')) : memory,
      );
    }
  }

  /** The global per-caller limit; `operations` > 1 for a batch. Throws RATE_LIMITED / RATE_LIMITER_UNAVAILABLE. */
  async checkGlobal(context: GatewayContext, operations = 1): Promise<void> {
    const { rateLimit, keyPrefix } = context.client.policy;
    if (!this.rateLimiters || !rateLimit) return;
    // Same purpose for every policy: limiters differ by points, and share the count unless keyPrefix separates it.
    const rule = { points: rateLimit.perMinute, durationSeconds: 60 };
    const result = await this.guard(() => this.rateLimiters!.consume('global', keyPrefix + callerKey(context), rule, operations));
    context.globalRateLimit = result;
    if (!result.allowed) throw rateLimited(result, undefined, [result]);
  }

  /** Consumes every `@rateLimit` the operation selects; the first one over its limit rejects it. */
  async checkFields(context: GatewayContext, fields: readonly FieldRateLimit[]): Promise<void> {
    if (!this.rateLimiters || fields.length === 0) return;
    const caller = callerKey(context);
    const results = await this.guard(() =>
      Promise.all(
        fields.map(async (f) => ({
          field: f,
          result: await this.rateLimiters!.consume('field', `${f.coordinate}:${caller}`, { points: f.limit, durationSeconds: f.duration }, f.count),
        })),
      ),
    );
    limitsState(context).rateLimits.push(...results.map((r) => r.result));
    const rejected = results.find((r) => !r.result.allowed);
    if (rejected) throw rateLimited(rejected.result, rejected.field.coordinate, rateLimitResults(context));
  }

  /** Reserves `cost` points from the caller's budget; throws THROTTLED when they are not there. */
  async reserve(context: GatewayContext, cost: number): Promise<BudgetDecision | undefined> {
    const policy = context.client.policy;
    const budget = this.budgets.get(policy);
    if (!budget || !policy.budget) return undefined;
    // The limits plugin refuses estimates above the capacity; the cap only guards other callers.
    const amount = Math.min(cost, policy.budget.capacity);
    const state = limitsState(context);
    const reservation = this.guard(() => budget.take(policy.keyPrefix + callerKey(context), amount)).then((decision) => ({
      reserved: decision.allowed ? amount : 0,
      decision,
    }));
    state.reservation = reservation;
    const { decision } = await reservation;
    if (!decision.allowed) {
      throw gatewayError(
        'THROTTLED',
        { retryAfterMs: decision.retryAfterMs, cost: { requestedQueryCost: cost, throttleStatus: this.throttleStatus(policy, decision.available) } },
        { 'retry-after': retryAfterSeconds(decision.retryAfterMs) },
      );
    }
    return decision;
  }

  /** Gives back unused points; returns the caller's available points afterwards. */
  async refund(context: GatewayContext, points: number): Promise<number | undefined> {
    const policy = context.client.policy;
    const budget = this.budgets.get(policy);
    if (!budget) return undefined;
    try {
      return await budget.give(policy.keyPrefix + callerKey(context), Math.max(0, points));
    } catch (err) {
      // A refund that cannot happen costs the caller points, never availability.
      context.log.warn({ error: (err as Error).message }, 'cost budget refund failed');
      return undefined;
    }
  }

  throttleStatus(policy: ClientPolicy, available: number): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | undefined {
    if (!policy.budget) return undefined;
    return {
      maximumAvailable: policy.budget.capacity,
      currentlyAvailable: Math.floor(available),
      restoreRate: policy.budget.restorePerSecond,
    };
  }

  /** Fail-closed: a store failure becomes 503 RATE_LIMITER_UNAVAILABLE (fail-open never gets here). */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof LimiterUnavailableError)) throw err;
      this.log.warn({ error: err.message }, 'limits store unavailable, refusing (fail-closed)');
      throw gatewayError('RATE_LIMITER_UNAVAILABLE', {}, { 'retry-after': '1' });
    }
  }

  private fellBack(kind: 'rate-limit' | 'cost-budget'): void {
    redisFallbackCounter().inc({ kind });
    const now = Date.now();
    if (now - this.lastFallbackLogMs < FALLBACK_LOG_INTERVAL_MS) return;
    this.lastFallbackLogMs = now;
    this.log.warn({ kind }, 'redis unavailable: limits fall back to this instance (fail-open)');
  }
}

/** 429 RATE_LIMITED carrying Retry-After and the RateLimit headers (the context-function path has no willSendResponse). */
function rateLimited(result: RateLimitResult, coordinate: string | undefined, all: readonly RateLimitResult[]) {
  return gatewayError(
    'RATE_LIMITED',
    { retryAfterMs: result.resetMs, ...(coordinate ? { coordinate } : {}) },
    { 'retry-after': retryAfterSeconds(result.resetMs), ...rateLimitHeaders(all) },
  );
}
