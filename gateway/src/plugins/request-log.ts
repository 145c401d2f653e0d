import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { limitsState } from '../limits/request-state';
import { whenStreamEnds, type StreamOutcome } from '../incremental/stream-end';

/**
 * One `request completed` line per GraphQL request (STYLE.md, Logging): rejected requests are
 * `info` too; variables are never logged here. Listed after the plugins that change the response
 * (limits, response cache), so it logs what the client receives.
 */
export function requestLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, operationName, errors }) {
          const body = response.body;
          const resultErrors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const errorCodes = [...(errors ?? []), ...(resultErrors ?? [])]
            .map((e) => e.extensions?.code)
            .filter((c): c is string => typeof c === 'string');
          const line = (codes: string[], stream?: StreamOutcome) => ({
            operationName: operationName ?? null,
            operationType: operation?.operation ?? null,
            status: response.http.status ?? 200,
            durationMs: Math.round((performance.now() - contextValue.startedAtMs) * 100) / 100,
            errorCodes: [...new Set(codes)],
            principalId: contextValue.principal.id,
            clientIp: contextValue.clientIp,
            clientName: contextValue.client.name,
            clientVersion: contextValue.client.version,
            clientPolicy: contextValue.client.policy.name,
            cost: costOf(contextValue),
            // A streamed @defer response is logged when it ends: its total and its first payload.
            ...(stream ? { firstPayloadMs: Math.round(stream.firstPayloadMs * 100) / 100, streamTimedOut: stream.timedOut, clientGone: stream.clientGone } : {}),
          });
          // A REST route writes the line itself, with the HTTP status it answers (context.ts, RestRequestState).
          if (contextValue.rest) contextValue.rest.logLine = line(errorCodes);
          else if (body.kind === 'incremental') whenStreamEnds(contextValue, (stream) => contextValue.log.info(line([...errorCodes, ...stream.errorCodes], stream), 'request completed'));
          else contextValue.log.info(line(errorCodes), 'request completed');
        },
      };
    },
  };
}

/** The operation's demand-control figures, when the limits plugin computed them. */
function costOf(context: GatewayContext): { estimated: number; actual: number | null } | undefined {
  const { estimatedCost, actualCost } = limitsState(context);
  return estimatedCost === undefined ? undefined : { estimated: estimatedCost, actual: actualCost ?? null };
}
