/**
 * Who is calling. Built once per request (the auth layer verifies the token); everything
 * downstream (authorization, limits, caches, subgraph identity) reads it from the context.
 */
export interface Principal {
  /** The token's subject; null for anonymous callers. */
  readonly id: string | null;
  /** Granted scopes (from the token's `scope` claim). */
  readonly scopes: readonly string[];
  /** The verified token's `jti`, when it has one (revocation, logs). */
  readonly tokenId: string | null;
  /** The client the token names (its CLIENT_NAME_CLAIM claim, a non-empty string); absent otherwise. */
  readonly client?: string;
}

export const ANONYMOUS: Principal = Object.freeze({ id: null, scopes: Object.freeze([]) as readonly string[], tokenId: null });

export function isAnonymous(principal: Principal): boolean {
  return principal.id === null;
}
