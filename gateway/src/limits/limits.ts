import { LRUCache } from 'lru-cache';
import { authenticationUnavailable, unauthenticated } from '../auth/authenticate';
import { TokenRejected } from '../auth/jwt';
import type { ClientPolicy } from '../clients/client-config';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';
import type { Logger } from '../logger';
import type { RedisClient } from '../redis';
import { callerKey } from './caller';
import type { LimitsConfig } from './limits-config';
import { MemoryRequestGate } from './memory-gate';
import { redisFallbackCounter } from './metrics';
import { PendingRefunds } from './pending-refunds';
import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';
import type { FieldRateLimit } from './rate-limit-rules';
import { RedisRequestGate, type GateLimit, type GateOutcome, type GateRequest, type RateLimitResult, type RequestGate } from './request-gate';
import { limitsState, rateLimitResults } from './request-state';

/** How often a Redis outage is logged by the limits, in ms: once per window, not per request. */
const FALLBACK_LOG_INTERVAL_MS = 10_000;
/** Callers this instance remembers as over their global limit. */
const BLOCKED_CALLERS = 100_000;

export interface LimitsOptions {
  config: LimitsConfig;
  redis: RedisClient | undefined;
  log: Logger;
  /** Every client policy, the default included. */
  policies: readonly ClientPolicy[];
  /** Revocation with Redis down: AUTH_REVOCATION_FAIL_OPEN. */
  revocationFailOpen: boolean;
  /** The gate for requests without Redis (its revocation list); built by the caller so it shares the authenticator's. */
  memoryGate: MemoryRequestGate;
  /** Told when the gate found a revocation epoch marker missing (auth/redis-revocations.ts). */
  onRevocationLoss: () => void;
}

/** What one operation asks of the gate, once it is parsed and its cost estimated. */
export interface Admission {
  fields: readonly FieldRateLimit[];
  /** The estimated cost. */
  cost: number;
  /** Reserve `cost` from the budget (cost enforced); false: measured only, nothing to throttle. */
  reserve: boolean;
}

/**
 * The stateful half of the limits and of revocation, behind one request gate (issue #13, item 4):
 * one Redis round trip per operation for the token's revocation, the global limit, every
 * `@rateLimit` field and the cost budget (limits/gate-script.ts), or this process's memory
 * without Redis. Also what needs no round trip: refusing a caller this instance already knows is
 * over its global limit before anything is parsed, and giving unused budget back later.
 */
export class Limits {
  readonly config: LimitsConfig;
  private readonly gate: RequestGate;
  /** Fail-open fallback when Redis cannot answer (no revocations in it). */
  private readonly fallback = new MemoryRequestGate();
  private readonly log: Logger;
  private readonly pending: PendingRefunds;
  /**
   * Caller (policy key prefix + caller key) → its global window as last seen used up: until when,
   * and how many requests it had counted at least. Policies may share a window with different
   * limits (client policies selected by a header), so each compares the count with its own limit.
   */
  private readonly blocked = new LRUCache<string, { untilMs: number; atLeast: number; windowSeconds: number }>({ max: BLOCKED_CALLERS });
  /** When each warning was last logged: an outage is logged once per interval, not per request. */
  private readonly lastLogged = new Map<string, number>();

  constructor(private readonly opts: LimitsOptions) {
    this.config = opts.config;
    this.log = opts.log;
    this.gate = opts.redis ? new RedisRequestGate(opts.redis, opts.onRevocationLoss) : opts.memoryGate;
    this.pending = new PendingRefunds((request) => this.ask(request, undefined).then(() => undefined));
  }

  /**
   * Before parsing, without I/O: a caller whose global window this instance saw used up is
   * refused at once (429), as the gate would. Exact (a used-up fixed window stays used up until it
   * resets), not complete: an instance that has not seen it asks the gate.
   */
  refuseKnownOverLimit(context: GatewayContext): void {
    const { rateLimit, keyPrefix } = context.client.policy;
    if (!this.config.rateLimit || !rateLimit) return;
    const seen = this.blocked.get(keyPrefix + callerKey(context));
    const now = Date.now();
    if (!seen || seen.untilMs <= now || seen.atLeast < rateLimit.perMinute) return;
    const result = { allowed: false, limit: rateLimit.perMinute, remaining: 0, resetMs: seen.untilMs - now, windowSeconds: seen.windowSeconds };
    throw rateLimited(result, undefined, [result]);
  }

  /**
   * The one round trip: revocation (when the context carries a token still to check), the global
   * limit, the fields' `@rateLimit`s and the budget reservation. Throws 401, 429 RATE_LIMITED,
   * 429 THROTTLED, or 503 AUTHENTICATION_UNAVAILABLE / RATE_LIMITER_UNAVAILABLE by the failure rules.
   */
  async admit(context: GatewayContext, admission: Admission): Promise<void> {
    const state = limitsState(context);
    state.gated = true;
    const request = this.requestFor(context, admission);
    if (!request) return;
    const outcome = await this.ask(request, context);
    const policy = context.client.policy;
    if (outcome.status === 'revoked' || outcome.status === 'before-epoch') {
      throw unauthenticated(new TokenRejected(outcome.status === 'revoked' ? 'revoked' : 'issued-before-revocation-epoch'), context.log);
    }
    state.rateLimits.push(...outcome.limits);
    this.remember(context, request, outcome);
    if (outcome.status === 'limited') {
      // The limits are the global one (when the policy has one), then the fields in order.
      const fieldIndex = outcome.over - (request.limits.length - admission.fields.length);
      throw rateLimited(outcome.limits[outcome.over] as RateLimitResult, admission.fields[fieldIndex]?.coordinate, rateLimitResults(context));
    }
    if (outcome.budget && request.budget) state.reservation = { reserved: outcome.budget.allowed ? request.budget.take : 0, decision: outcome.budget };
    if (outcome.status === 'throttled') {
      throw gatewayError(
        'THROTTLED',
        { retryAfterMs: outcome.budget.retryAfterMs, cost: { requestedQueryCost: admission.cost, throttleStatus: this.throttleStatus(policy, outcome.budget.available) } },
        { 'retry-after': retryAfterSeconds(outcome.budget.retryAfterMs) },
      );
    }
  }

  /**
   * Gives back reserved points the operation did not use, without a round trip of its own: the
   * caller's next gate on this instance carries it, or a flush within a second does. Returns the
   * caller's available points as this request leaves them.
   */
  refund(context: GatewayContext, points: number): number | undefined {
    const reservation = limitsState(context).reservation;
    const policy = context.client.policy;
    if (!reservation || !policy.budget) return undefined;
    if (points > 0) this.pending.add(this.budgetKey(context), callerKey(context), policy.budget, points);
    return Math.min(policy.budget.capacity, reservation.decision.available + Math.max(0, points));
  }

  /**
   * An operation that never reached the gate (refused while parsing, validating or by operation
   * limits) still counts against the caller's global limit; nobody waits for it. Its answer
   * teaches this instance whether the caller is now over.
   */
  countUngated(context: GatewayContext): void {
    const limit = this.globalLimit(context);
    if (!limit || limitsState(context).gated) return;
    const request = { callerKey: callerKey(context), limits: [limit] };
    this.ask(request, undefined)
      .then((outcome) => this.remember(context, request, outcome))
      .catch(() => undefined);
  }

  throttleStatus(policy: ClientPolicy, available: number): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | undefined {
    if (!policy.budget) return undefined;
    return {
      maximumAvailable: policy.budget.capacity,
      currentlyAvailable: Math.floor(available),
      restoreRate: policy.budget.restorePerSecond,
    };
  }

  /** Sends the refunds still owed. */
  close(): Promise<void> {
    return this.pending.close();
  }

  private requestFor(context: GatewayContext, admission: Admission): GateRequest | undefined {
    const caller = callerKey(context);
    const policy = context.client.policy;
    const global = this.globalLimit(context);
    const limits: GateLimit[] = [
      ...(global ? [global] : []),
      ...(this.config.rateLimit
        ? admission.fields.map((f) => ({ key: `rl:field:${f.duration}:${f.coordinate}:${caller}`, points: f.limit, windowSeconds: f.duration, count: f.count }))
        : []),
    ];
    const budgetKey = this.budgetKey(context);
    // The limits plugin refuses estimates above the capacity; the cap only guards other callers.
    const budget = policy.budget && admission.reserve
      ? { key: budgetKey, shape: policy.budget, take: Math.min(admission.cost, policy.budget.capacity), refund: this.pending.takeFor(budgetKey) }
      : undefined;
    if (!context.token && limits.length === 0 && !budget) return undefined;
    return { callerKey: caller, ...(context.token ? { token: context.token } : {}), limits, ...(budget ? { budget } : {}) };
  }

  private globalLimit(context: GatewayContext): GateLimit | undefined {
    const { rateLimit, keyPrefix } = context.client.policy;
    if (!this.config.rateLimit || !rateLimit) return undefined;
    // Same window for every policy: they differ by points, and share the count unless keyPrefix separates it.
    return { key: `rl:global:60:${keyPrefix}${callerKey(context)}`, points: rateLimit.perMinute, windowSeconds: 60, count: 1 };
  }

  private budgetKey(context: GatewayContext): string {
    return `budget:${context.client.policy.keyPrefix}${callerKey(context)}`;
  }

  /**
   * The gate, or the failure rules when it cannot answer: revocation first (fail-closed → 503
   * AUTHENTICATION_UNAVAILABLE), then the limits (fail-open → this instance's memory, fail-closed
   * → 503 RATE_LIMITER_UNAVAILABLE). `context` absent: a background call (refund, ungated count),
   * whose failure is only logged.
   */
  private async ask(request: GateRequest, context: GatewayContext | undefined): Promise<GateOutcome> {
    try {
      return await this.gate.check(request);
    } catch (err) {
      if (request.budget && request.budget.refund > 0) this.pending.add(request.budget.key, request.callerKey, request.budget.shape, request.budget.refund);
      if (!context) throw err;
      if (request.token) {
        if (!this.opts.revocationFailOpen) {
          this.warn({ error: (err as Error).message }, 'revocation check failed; signed-in requests answered 503 AUTHENTICATION_UNAVAILABLE');
          throw authenticationUnavailable();
        }
        this.warn({ error: (err as Error).message }, 'revocation check failed; tokens accepted (AUTH_REVOCATION_FAIL_OPEN)');
      }
      // The fallback counts limits only; a refund it cannot send stays owed to Redis (re-added above).
      const limitsOnly: GateRequest = { callerKey: request.callerKey, limits: request.limits, ...(request.budget ? { budget: { ...request.budget, refund: 0 } } : {}) };
      if (limitsOnly.limits.length === 0 && !limitsOnly.budget) return { status: 'admitted', limits: [] };
      if (this.config.failureMode === 'fail-closed') {
        this.warn({ error: (err as Error).message }, 'limits store unavailable, refusing (fail-closed)');
        throw gatewayError('RATE_LIMITER_UNAVAILABLE', {}, { 'retry-after': '1' });
      }
      if (limitsOnly.limits.length > 0) redisFallbackCounter().inc({ kind: 'rate-limit' });
      if (limitsOnly.budget) redisFallbackCounter().inc({ kind: 'cost-budget' });
      this.warn({ error: (err as Error).message }, 'redis unavailable: limits fall back to this instance (fail-open)');
      return this.fallback.check(limitsOnly);
    }
  }

  /** A used-up global window is remembered, so the next request is refused before parsing. */
  private remember(context: GatewayContext, request: GateRequest, outcome: GateOutcome): void {
    if (outcome.status === 'revoked' || outcome.status === 'before-epoch') return;
    const global = request.limits[0];
    const result = outcome.limits[0];
    if (!global?.key.startsWith('rl:global:') || !result || result.remaining > 0) return;
    // Remaining 0: the window has counted at least its limit, and a count never goes down within it.
    this.blocked.set(context.client.policy.keyPrefix + callerKey(context), { untilMs: Date.now() + result.resetMs, atLeast: result.limit, windowSeconds: result.windowSeconds });
  }

  private warn(fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(message) ?? 0) < FALLBACK_LOG_INTERVAL_MS) return;
    this.lastLogged.set(message, now);
    this.log.warn(fields, message);
  }
}

/** 429 RATE_LIMITED carrying Retry-After and the RateLimit headers (a refusal before execution has no willSendResponse of ours). */
function rateLimited(result: RateLimitResult, coordinate: string | undefined, all: readonly RateLimitResult[]) {
  return gatewayError(
    'RATE_LIMITED',
    { retryAfterMs: result.resetMs, ...(coordinate ? { coordinate } : {}) },
    { 'retry-after': retryAfterSeconds(result.resetMs), ...rateLimitHeaders(all) },
  );
}
