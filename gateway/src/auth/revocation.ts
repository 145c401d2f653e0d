import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../store/key-value-store';
import type { VerifiedToken } from './jwt';

/**
 * Revoked tokens (logout), shared by every instance through the store (Redis when REDIS_URL is
 * set). An entry lives exactly as long as the token it revokes would have: after its `exp` the
 * token is refused anyway, so keeping it longer would only grow the store.
 */
export class RevocationList {
  constructor(
    private readonly store: KeyValueStore,
    /** Added to the TTL so a token still accepted within the clock tolerance stays revoked, in ms. */
    private readonly clockToleranceMs: number,
  ) {}

  /** Stores the revocation; true when this call revoked it (false: it already was). */
  async revoke(token: VerifiedToken, nowMs: number = Date.now()): Promise<boolean> {
    const ttlMs = token.expiresAtMs - nowMs + this.clockToleranceMs;
    if (ttlMs <= 0) return false;
    return this.store.setIfAbsent(revocationKey(token), '1', ttlMs);
  }

  /** One store round trip (one Redis EXISTS). */
  isRevoked(token: VerifiedToken): Promise<boolean> {
    return this.store.has(revocationKey(token));
  }
}

/** Keys already computed for a verified token (those objects are reused while a token stays cached: auth/verified-tokens.ts). */
const keys = new WeakMap<VerifiedToken, string>();

/** The `jti` when the token has one, else a SHA-256 of the whole token (never the token itself). */
export function revocationKey(token: VerifiedToken): string {
  if (token.principal.tokenId) return `jti:${token.principal.tokenId}`;
  let key = keys.get(token);
  if (key === undefined) keys.set(token, (key = `sha256:${createHash('sha256').update(token.token).digest('base64url')}`));
  return key;
}
