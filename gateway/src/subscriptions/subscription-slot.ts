import type { GraphQLRequestContextResponseForOperation } from '@apollo/server';
import type { GatewayContext } from '../context';

/** The doors that stream: graphql-ws over WebSocket, multipart/mixed (Apollo Client's HttpLink), GraphQL over SSE. */
export type SubscriptionProtocol = 'ws' | 'multipart' | 'sse';

/**
 * Put on a request's context by a door that can stream (context.ts `subscription`). The
 * subscription plugin fills `captured` once Apollo Server has parsed, validated, authorized and
 * limited the operation (every `didResolveOperation` check has passed); the door then starts the
 * stream. A request without a slot cannot run a subscription (SUBSCRIPTION_TRANSPORT_UNSUPPORTED).
 * A holder, not a field: Apollo Server may hand plugins a shallow copy of the context.
 */
export interface SubscriptionSlot {
  protocol: SubscriptionProtocol;
  captured?: GraphQLRequestContextResponseForOperation<GatewayContext>;
}
