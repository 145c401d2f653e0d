import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { VerifiedToken } from './jwt';

/**
 * What the revocation store says about a verified token: `revoked` (logged out), `before-epoch`
 * (issued before the store last lost its data, so a revocation of it may have been lost:
 * auth/redis-revocations.ts), or `valid`.
 */
export type RevocationVerdict = 'valid' | 'revoked' | 'before-epoch';

/** Revoked tokens (logout). Two implementations: this process's memory, and Redis (a fleet). */
export interface RevocationList {
  /** Stores the revocation until the token's `exp`; true when this call revoked it (false: it already was). Throws when the store cannot. */
  revoke(token: VerifiedToken): Promise<boolean>;
  /** Asks the store; throws when it cannot answer (AUTH_REVOCATION_FAIL_OPEN decides then). */
  check(token: VerifiedToken): Promise<RevocationVerdict>;
  /** `check` as a yes/no: true unless the token is `valid` (a token issued before the epoch is refused too). */
  isRevoked(token: VerifiedToken): Promise<boolean>;
  /** Revocations this instance knows of without asking the store: its own logouts, and every instance's by pub/sub. */
  knownRevoked(token: VerifiedToken): boolean;
  /** Told that the store lost data (a check found an epoch marker missing): recreate what protects revocations. */
  noticeLoss(): void;
  /** Stops listening for other instances' revocations. Safe to call twice. */
  close(): Promise<void>;
}

/** Most revocations one instance remembers locally; beyond it the oldest are forgotten here (the store still has them). */
const LOCAL_MAX_ENTRIES = 100_000;

/**
 * Revocations this process has seen, each until its token's `exp` (+ clock tolerance): in-memory
 * mode's whole store, and Redis mode's second copy, which keeps refusing a revoked token when
 * Redis is down or has lost the revocation.
 */
export class LocalRevocations {
  private readonly expiries = new LRUCache<string, number>({ max: LOCAL_MAX_ENTRIES });

  /** True when the key was not known yet. */
  add(key: string, untilMs: number, nowMs = Date.now()): boolean {
    const known = this.has(key, nowMs);
    if (untilMs > nowMs) this.expiries.set(key, Math.max(untilMs, this.expiries.get(key) ?? 0));
    return !known;
  }

  has(key: string, nowMs = Date.now()): boolean {
    const untilMs = this.expiries.get(key);
    return untilMs !== undefined && untilMs > nowMs;
  }
}

/** The embedded default (no Redis): one instance, revocations in its memory (lost on restart: docs/security.md). */
export class MemoryRevocationList implements RevocationList {
  private readonly local = new LocalRevocations();

  constructor(private readonly clockToleranceMs: number) {}

  async revoke(token: VerifiedToken): Promise<boolean> {
    return this.local.add(revocationKey(token), token.expiresAtMs + this.clockToleranceMs);
  }

  async check(token: VerifiedToken): Promise<RevocationVerdict> {
    return this.knownRevoked(token) ? 'revoked' : 'valid';
  }

  async isRevoked(token: VerifiedToken): Promise<boolean> {
    return (await this.check(token)) !== 'valid';
  }

  knownRevoked(token: VerifiedToken): boolean {
    return this.local.has(revocationKey(token));
  }

  noticeLoss(): void {}

  async close(): Promise<void> {}
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
