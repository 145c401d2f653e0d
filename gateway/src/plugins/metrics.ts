import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { isErrorCode } from '../errors';
import { limitsState } from '../limits/request-state';
import { whenStreamEnds } from '../incremental/stream-end';
import { REJECTION_CODES, type GatewayMetrics } from '../observability/metrics';

/**
 * Request-level metrics from what the client receives: outcome, duration, error codes, limit
 * rejections, estimated and actual cost. Listed after the plugins that change the response.
 */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, operationName }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const record = (errors: ReadonlyArray<{ extensions?: Record<string, unknown> }>, hasData: boolean): void => {
            const status = response.http.status ?? 200;
            const codes = errors.map((e) => e.extensions?.code).filter((c): c is string => typeof c === 'string');
            const outcome =
              codes.some((c) => REJECTION_CODES.has(c)) ? 'rejected'
              : status >= 400 || (errors.length > 0 && !hasData) ? 'error'
              : errors.length > 0 ? 'partial'
              : 'success';
            const labels = {
              operation_name: metrics.operationLabel(operationName),
              operation_type: operation?.operation ?? 'unknown',
              outcome,
              // The policy's label: configured client names only, else `other` (bounded by the config).
              client_name: contextValue.client.policy.label,
            };
            metrics.recordRequest(labels, contextValue.client.version, (performance.now() - contextValue.startedAtMs) / 1000);
            for (const code of codes) {
              metrics.errors.inc({ code: isErrorCode(code) ? code : 'other' });
              if (REJECTION_CODES.has(code)) metrics.rejections.inc({ code });
            }
            const { estimatedCost, actualCost } = limitsState(contextValue);
            if (estimatedCost !== undefined && outcome !== 'rejected') metrics.estimatedCost.observe(estimatedCost);
            if (actualCost !== undefined) metrics.actualCost.observe(actualCost);
          };
          const initialErrors = body.errors ?? [];
          // A streamed @defer response counts when it ends, with the errors of every payload.
          if (response.body.kind === 'incremental') {
            whenStreamEnds(contextValue, (stream) => record(stream.errorCodes.map((code) => ({ extensions: { code } })), !!body.data));
          } else {
            record(initialErrors, !!body.data);
          }
        },
      };
    },
  };
}
