import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { ErrorOrigins } from '../observability/error-origins';

/** Remembers each request's errors before formatError sees them (observability/error-origins.ts says why). */
export function errorOriginsPlugin(origins: ErrorOrigins): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          origins.remember(errors, contextValue.log);
        },
      };
    },
  };
}
