/** The Apollo Server plugins every subgraph runs; `startSubgraph()` decides their order. */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { SubgraphContext } from './context';
import type { RecordedRequest } from './server';

/** Appends every request to `requests` (the handle's array, so tests see it live). */
export function requestRecorderPlugin(requests: RecordedRequest[]): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart({ request }) {
      const recorded: RecordedRequest = {
        operationName: request.operationName ?? null,
        query: request.query ?? '',
        variables: request.variables ?? {},
        headers: Object.fromEntries(request.http?.headers ?? []),
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      return {
        // A request body need not name its operation; the document does once it is parsed.
        async didResolveOperation({ operationName }) {
          recorded.operationName ??= operationName;
        },
      };
    },
  };
}

/** Delays every request by `latencyMs()` before parsing; read per request so a test can slow a running subgraph. */
export function latencyPlugin(latencyMs: () => number): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      const delayMs = latencyMs();
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    },
  };
}

/** Sets fixed headers on every response (test-only: the gateway's response-header propagation). */
export function responseHeadersPlugin(headers: Readonly<Record<string, string>>): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          for (const [name, value] of Object.entries(headers)) response.http.headers.set(name, value);
        },
      };
    },
  };
}

/**
 * A `debug` line per request and an `error` line per unexpected resolver failure (a thrown non-GraphQL
 * error, which Apollo reports as INTERNAL_SERVER_ERROR). Both carry the forwarded requestId.
 */
export function requestLogPlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.originalError && !(error.originalError instanceof GraphQLError)) {
              contextValue.log.error({ err: error.originalError, path: error.path }, 'resolver failed');
            }
          }
        },
        async willSendResponse({ errors, operationName }) {
          contextValue.log.debug(
            {
              operationName,
              durationMs: Math.round(performance.now() - startedAt),
              errorCodes: (errors ?? []).map((error) => error.extensions.code ?? null),
            },
            'request completed',
          );
        },
      };
    },
  };
}
