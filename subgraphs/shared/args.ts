/** Argument rules shared by every subgraph: page sizes and "which user does this mutation act for". */
import { mayAccessUser, type Principal } from './context';
import { subgraphError } from './errors';

/** Upper bound for every `first` argument; larger values are capped, not rejected. */
export const MAX_PAGE_SIZE = 100;

/** `first` capped at MAX_PAGE_SIZE; a negative value → BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined, fallback = 10): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw subgraphError('BAD_USER_INPUT', '`first` must be a non-negative integer', { field: 'first' });
  }
  return Math.min(value, MAX_PAGE_SIZE);
}

/**
 * The user a mutation acts for: the explicit `userId` argument when given, else the caller.
 * Neither → BAD_USER_INPUT. Acting for someone else needs the `admin` scope, else FORBIDDEN.
 */
export function actingUserId(explicit: string | null | undefined, principal: Principal): string {
  const userId = explicit ?? principal.id;
  if (!userId) {
    throw subgraphError('BAD_USER_INPUT', '`userId` is required when the caller is anonymous', { field: 'userId' });
  }
  assertMayAccessUser(principal, userId);
  return userId;
}

/** FORBIDDEN unless `userId`'s data is the caller's own or the caller is an admin. */
export function assertMayAccessUser(principal: Principal, userId: string): void {
  if (!mayAccessUser(principal, userId)) throw subgraphError('FORBIDDEN', 'This belongs to another user');
}
