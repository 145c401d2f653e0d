import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';

/**
 * Subscriptions go through the whole pipeline like queries (DESIGN.md decision 11): parsing,
 * validation, reject-mode authorization, trusted documents, client policy, `@rateLimit` and cost
 * are all `didResolveOperation` checks, and `responseForOperation` runs after every one of them.
 * There the validated operation is handed to the door that asked (`context.subscription`), which
 * starts the stream; Apollo Server gets a placeholder answer and never executes it (@apollo/gateway
 * would refuse). Without a streaming door (a plain JSON POST) the subscription is refused.
 */
export function subscriptionsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'subscription' && !contextValue.subscription) throw gatewayError('SUBSCRIPTION_TRANSPORT_UNSUPPORTED');
        },
        async responseForOperation(requestContext) {
          const slot = requestContext.contextValue.subscription;
          // `operation` is absent when none could be picked (Apollo answers OPERATION_RESOLUTION_FAILURE).
          if (requestContext.operation?.operation !== 'subscription' || !slot) return null;
          slot.captured = requestContext;
          return {
            http: { status: 200, headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]) },
            body: { kind: 'single', singleResult: { data: null } },
          };
        },
      };
    },
  };
}
