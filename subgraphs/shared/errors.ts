/**
 * The codes a subgraph may raise, in the same table shape as the gateway's errors.ts. A code exists only
 * if it has a row here; resolvers throw through `subgraphError()`, never `new GraphQLError` with a
 * hand-typed code. None of these carry `extensions.http`: they are field errors, and the gateway
 * returns them as partial data with HTTP 200.
 */
import { GraphQLError } from 'graphql';

export const SUBGRAPH_ERRORS = {
  BAD_USER_INPUT: { message: 'Invalid input' },
  NOT_FOUND: { message: 'Not found' },
  FORBIDDEN: { message: 'Forbidden' },
  // Idempotent mutations (./idempotency.ts); the same codes as the gateway's.
  IDEMPOTENCY_KEY_REUSED: { message: 'This Idempotency-Key was used for a different request' },
  IDEMPOTENCY_KEY_IN_USE: { message: 'A request with this Idempotency-Key is still running; retry shortly' },
} as const satisfies Record<string, { message: string }>;

export type SubgraphErrorCode = keyof typeof SUBGRAPH_ERRORS;

/**
 * @param detail replaces the table's default message; clients must still branch on `extensions.code`.
 * @param extensions extra fields, e.g. `{ field: 'items[0].quantity' }`.
 */
export function subgraphError(
  code: SubgraphErrorCode,
  detail?: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(detail ?? SUBGRAPH_ERRORS[code].message, {
    extensions: { ...extensions, code },
  });
}
