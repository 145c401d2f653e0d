import type { GatewayContext } from '../context';
import type { BudgetDecision } from './cost-budget';
import type { RateLimitResult } from './rate-limiters';

/** What the limits learned about one request, for the response headers and `extensions.cost`. */
export interface RequestLimitsState {
  /** Every limiter this request consumed from (global, then fields). */
  rateLimits: RateLimitResult[];
  /** The operation's estimated cost, once computed. */
  estimatedCost?: number;
  /**
   * The budget reservation, as a promise: another plugin may reject the operation while the
   * reservation is still in flight, and the refund must wait for it.
   */
  reservation?: Promise<{ reserved: number; decision: BudgetDecision } | undefined>;
}

// Keyed by the request's context object (STYLE.md: per-request state never in module scope).
const states = new WeakMap<GatewayContext, RequestLimitsState>();

export function limitsState(context: GatewayContext): RequestLimitsState {
  let state = states.get(context);
  if (!state) {
    state = { rateLimits: [] };
    states.set(context, state);
  }
  return state;
}
