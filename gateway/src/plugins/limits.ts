import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import { gatewayError } from '../errors';
import { actualCost } from '../limits/cost-actual';
import { estimateCost } from '../limits/cost-estimate';
import { CostEstimateError } from '../limits/cost-rules';
import { costEnforced } from '../limits/cost-enforcement';
import { costRulesFrom, rateLimitRuleAt } from '../limits/directive-rules';
import type { Limits } from '../limits/limits';
import { checkOperationShape, measureOperation } from '../limits/operation-shape';
import { rateLimitHeaders } from '../limits/rate-limit-headers';
import { selectedRateLimits, type FieldRateLimit } from '../limits/rate-limit-rules';
import { limitsState, rateLimitResults } from '../limits/request-state';
import { whenStreamEnds } from '../incremental/stream-end';

export interface LimitsPluginOptions {
  limits: Limits;
  directives: DirectiveIndexHolder;
  /** Filter mode: the fields authorization will remove are not rate-limited (they never run). */
  authorization?: AuthorizationDecisions;
}

/**
 * Stage 8 of the pipeline (STYLE.md §2), before anything is planned or fetched, in one hook so the
 * order is fixed: operation limits → cost estimate (COST_MAX) → one request-gate round trip for
 * the token's revocation, the global limit, the `@rateLimit` fields and the caller's cost budget.
 * After execution: the actual cost, the refund, `extensions.cost` and the
 * `RateLimit-*` headers. The decisions live in gateway/src/limits/; this file only wires them.
 */
export function limitsPlugin(opts: LimitsPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { limits } = opts;
  const { operation: operationLimits, cost: costConfig } = limits.config;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, schema, document, operation, request }) {
          if (!operation) return; // plugins/operation-resolution.ts refuses it (OPERATION_RESOLUTION_FAILURE)
          const violation = checkOperationShape(measureOperation(document, operation), operationLimits);
          if (violation) throw gatewayError(violation.code, violation.extensions);

          const index = opts.directives.current;
          const variables = request.variables ?? {};
          const state = limitsState(contextValue);
          let estimated: number;
          try {
            estimated = estimateCost({ schema, document, operation, variables, rules: costRulesFrom(index), defaultListSize: costConfig.defaultListSize });
          } catch (err) {
            if (err instanceof CostEstimateError) throw gatewayError('BAD_USER_INPUT', { reason: err.message });
            throw err;
          }
          state.estimatedCost = estimated;

          const enforce = costEnforced(costConfig.mode, index);
          // COST_MAX (or the client policy's costMax), and never more than a full budget holds: an
          // operation that could never fit the bucket is too expensive, not "throttled until later".
          // Refused before anything is counted.
          const { costMax, budget } = contextValue.client.policy;
          const max = budget ? Math.min(costMax, budget.capacity) : costMax;
          if (estimated > max) {
            if (enforce) throw gatewayError('COST_ESTIMATED_TOO_EXPENSIVE', { cost: { estimated, max } });
            contextValue.log.info({ estimatedCost: estimated, maxCost: max }, 'cost above maximum (measure mode)');
          }
          let fields: FieldRateLimit[] = [];
          if (limits.config.rateLimit) {
            const input = { schema, document, operation, variables, ruleAt: rateLimitRuleAt(index) };
            fields = selectedRateLimits(input);
            // Only an operation that selects rate-limited fields asks authorization which of them will run.
            const denied = fields.length > 0 ? opts.authorization?.decide({ schema, document, operationName: operation.name?.value, principal: contextValue.principal }).denied : undefined;
            if (denied && denied.length > 0) fields = selectedRateLimits({ ...input, skip: new Set(denied.map((d) => d.node)) });
          }
          // One round trip: revocation, the global limit, these fields, the budget (limits/gate-script.ts).
          // Measured only: nothing is reserved, so nothing can be throttled.
          await limits.admit(contextValue, { fields, cost: estimated, reserve: enforce });
        },

        async willSendResponse({ contextValue, response, schema, document, operation, request }) {
          const state = limitsState(contextValue);
          // Refused while parsing, validating or by an operation limit: it still counts (not awaited).
          limits.countUngated(contextValue);
          for (const [name, value] of Object.entries(rateLimitHeaders(rateLimitResults(contextValue)))) response.http.headers.set(name, value);
          if (state.estimatedCost === undefined) return;
          const estimated = state.estimatedCost;
          /** Actual cost from the data sent, then the budget refund; the returned figures go into `extensions.cost`. */
          const settle = async (data: Record<string, unknown> | null | undefined) => {
            const actual =
              document && operation
                ? actualCost({ schema, document, operation, variables: request.variables ?? {}, rules: costRulesFrom(opts.directives.current), data })
                : 0;
            // Before any await: the log and metrics plugins (later in the list) read it next.
            state.actualCost = actual;
            const reservation = state.reservation;
            let available = reservation?.decision.available;
            if (reservation && reservation.reserved > 0) {
              // Refund what was reserved but not used (no round trip of its own); an underestimate is not charged extra.
              available = limits.refund(contextValue, reservation.reserved - Math.min(actual, reservation.reserved)) ?? available;
            }
            const throttleStatus = available === undefined ? undefined : limits.throttleStatus(contextValue.client.policy, available);
            return { requestedQueryCost: estimated, actualQueryCost: actual, ...(throttleStatus ? { throttleStatus } : {}) };
          };
          if (response.body.kind === 'incremental') {
            // A @defer stream: cost and refund once it ends, from everything sent (no payload is left to carry `extensions.cost`).
            whenStreamEnds(contextValue, (stream) => {
              settle(stream.data).catch((err: unknown) => contextValue.log.warn({ err }, 'cost refund after a @defer stream failed'));
            });
            return;
          }
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: await settle(result.data) };
        },
      };
    },
  };
}
