import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';

/**
 * A document whose operation cannot be picked (several operations and no `operationName`, or an
 * `operationName` it does not contain) is the client's mistake: 400 OPERATION_RESOLUTION_FAILURE.
 *
 * Apollo Server answers that itself only when it runs graphql-js's `execute`, which *returns* the
 * error. With a gateway executor it goes on to execute, and @apollo/gateway *throws* ("Unknown
 * operation named …") from `buildOperationContext`, which Apollo Server turns into a 500 (issue #12).
 * So we refuse it here, in `didResolveOperation`, before any limit is consumed or plan built.
 */
export function operationResolutionPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          throw gatewayError('OPERATION_RESOLUTION_FAILURE', {}, {}, unresolvedMessage(document, request.operationName));
        },
      };
    },
  };
}

/** The same wording graphql-js uses, so clients see what a plain Apollo Server would say. */
export function unresolvedMessage(document: DocumentNode, operationName: string | null | undefined): string {
  // Bounded: the name is the client's, and may be anything up to the body limit.
  if (typeof operationName === 'string') return `Unknown operation named "${operationName.length > 100 ? `${operationName.slice(0, 100)}…` : operationName}".`;
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  return operations === 0 ? 'Must provide an operation.' : 'Must provide operation name if query contains multiple operations.';
}
