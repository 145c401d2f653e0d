import type { ApolloServerPlugin } from '@apollo/server';
import type { TrustedDocuments } from '../cache/manifest';
import { selectsIntrospection } from '../clients/introspection';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';

export interface ClientPolicyPluginOptions {
  /** The trusted-documents manifest; config validation guarantees it when a policy says `operations: persisted`. */
  trusted: TrustedDocuments | undefined;
}

/**
 * The per-client checks that refuse a whole operation, in `didResolveOperation` (before any plan
 * or subgraph call): `operations: persisted` → 403 PERSISTED_QUERY_NOT_IN_LIST unless the document
 * is in the manifest (sent by id or as a listed body; an APQ-registered hash is not enough);
 * `introspection: false` → 403 INTROSPECTION_DISABLED. Apollo Server's own introspection switch is
 * on whenever some policy allows it, so this plugin is what refuses it for the others. Both
 * checks are synchronous and cost nothing for a policy without them.
 */
export function clientPolicyPlugin(opts: ClientPolicyPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, queryHash, document, operation, operationName }) {
          const policy = contextValue.client.policy;
          if (policy.operations === 'persisted' && !opts.trusted?.isListed(queryHash, document)) {
            throw gatewayError('PERSISTED_QUERY_NOT_IN_LIST', { operationName: operationName ?? null, client: policy.name });
          }
          if (!policy.introspection && operation && selectsIntrospection(document, operation)) {
            throw gatewayError('INTROSPECTION_DISABLED', { client: policy.name });
          }
        },
      };
    },
  };
}
