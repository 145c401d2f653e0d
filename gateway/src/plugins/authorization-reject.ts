import type { ApolloServerPlugin } from '@apollo/server';
import { findDeniedFields, responsePath } from '../auth/authorization';
import { isAnonymous } from '../auth/principal';
import type { GatewayContext } from '../context';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import { gatewayError } from '../errors';

export interface AuthorizationRejectPluginOptions {
  directives: DirectiveIndexHolder;
}

/**
 * AUTHZ_MODE=reject: an operation that selects any field this caller may not see is refused
 * before any subgraph is called: 401 UNAUTHENTICATED for anonymous callers (signing in may help),
 * 403 FORBIDDEN for signed-in ones, both listing `unauthorizedPaths` (response keys).
 */
export function authorizationRejectPlugin(opts: AuthorizationRejectPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, contextValue }) {
          const denied = findDeniedFields({ schema, document, operationName, index: opts.directives.current, principal: contextValue.principal });
          if (denied.length === 0) return;
          const unauthorizedPaths = denied.map(responsePath);
          contextValue.log.info({ unauthorizedPaths, rules: denied.flatMap((d) => d.rules) }, 'operation refused by authorization');
          throw gatewayError(isAnonymous(contextValue.principal) ? 'UNAUTHENTICATED' : 'FORBIDDEN', { unauthorizedPaths });
        },
      };
    },
  };
}
