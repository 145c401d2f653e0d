import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';

/**
 * Only a query's answer may be cached by anyone. The overall cache policy of a gateway response is
 * built from the subgraphs' Cache-Control headers, and a subgraph hints a mutation's answer like any
 * other (placeOrder returns an `Order`, which says max-age 300): Apollo Server then sent
 * `max-age=300, private` on a mutation. Restricting the policy to max-age 0 makes its cache-control
 * plugin write `no-store` for every mutation and subscription, whatever the subgraphs said.
 */
export function cachePolicyPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, overallCachePolicy }) {
          if (operation && operation.operation !== 'query') overallCachePolicy.restrict({ maxAge: 0 });
        },
      };
    },
  };
}
