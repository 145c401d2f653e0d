import type { GatewayContext } from '../context';
import type { BudgetDecision } from './cost-budget';
import type { RateLimitResult } from './rate-limiters';

/** What the limits learned about one request, for the response headers and `extensions.cost`. */
export interface RequestLimitsState {
  /** Every `@rateLimit` limiter this operation consumed from (the global one is on the context). */
  rateLimits: RateLimitResult[];
  /** The operation's estimated cost, once computed. */
  estimatedCost?: number;
  /** The cost computed from the response, set synchronously at the start of willSendResponse. */
  actualCost?: number;
  /**
   * The budget reservation, as a promise: another plugin may reject the operation while the
   * reservation is still in flight, and the refund must wait for it.
   */
  reservation?: Promise<{ reserved: number; decision: BudgetDecision } | undefined>;
}

// Keyed by the operation's context object (STYLE.md: per-request state never in module scope).
// Apollo Server gives every operation its own shallow clone of the context, which stays the same
// object through all of that operation's hooks: one state per operation, also within a batch.
const states = new WeakMap<GatewayContext, RequestLimitsState>();

/** Every limiter decision that applies to this operation: the global one, then its fields. */
export function rateLimitResults(context: GatewayContext): RateLimitResult[] {
  return [...(context.globalRateLimit ? [context.globalRateLimit] : []), ...limitsState(context).rateLimits];
}

export function limitsState(context: GatewayContext): RequestLimitsState {
  let state = states.get(context);
  if (!state) {
    state = { rateLimits: [] };
    states.set(context, state);
  }
  return state;
}
