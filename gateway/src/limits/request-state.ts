import type { GatewayContext } from '../context';
import type { BudgetDecision, RateLimitResult } from './request-gate';

/** What the limits learned about one request, for the response headers and `extensions.cost`. */
export interface RequestLimitsState {
  /** Every limit this operation counted against: the global one first, then its fields' `@rateLimit`s. */
  rateLimits: RateLimitResult[];
  /** The request gate ran for this operation (limits.ts): it was counted, its token checked. */
  gated?: boolean;
  /** The operation's estimated cost, once computed. */
  estimatedCost?: number;
  /** The cost computed from the response, set synchronously at the start of willSendResponse. */
  actualCost?: number;
  /** What the gate reserved from the budget (0 when it refused), for the refund after the response. */
  reservation?: { reserved: number; decision: BudgetDecision };
}

// Keyed by the operation's context object (STYLE.md: per-request state never in module scope).
// Apollo Server gives every operation its own shallow clone of the context, which stays the same
// object through all of that operation's hooks: one state per operation, also within a batch.
const states = new WeakMap<GatewayContext, RequestLimitsState>();

/** Every limiter decision that applies to this operation: the global one, then its fields. */
export function rateLimitResults(context: GatewayContext): RateLimitResult[] {
  return limitsState(context).rateLimits;
}

export function limitsState(context: GatewayContext): RequestLimitsState {
  let state = states.get(context);
  if (!state) {
    state = { rateLimits: [] };
    states.set(context, state);
  }
  return state;
}
