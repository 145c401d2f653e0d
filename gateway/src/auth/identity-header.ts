import { createHmac } from 'node:crypto';
import type { Principal } from './principal';

/**
 * The identity every subgraph call carries, signed so subgraphs can tell it came from the gateway
 * (DESIGN.md decision 8). Format (documented in docs/security.md, "Identity forwarded to subgraphs"; verified by subgraphs/shared/identity.ts):
 *
 *   x-frontdoor-identity: v1.<base64url(JSON {sub, scp, rid, exp, idk?})>.<base64url(HMAC-SHA256(secret, "v1." + payload))>
 *
 * `idk` is the mutation's Idempotency-Key, when the client sent one: signed together with `sub`, a
 * subgraph can key its record by (caller, key) and no caller can replay another's.
 *
 * HMAC rather than a JWT: one synchronous hash per request on the hot path, shared by all of its
 * subgraph calls (IdentitySigner below; DESIGN.md decision 9), and verifying it in any language is ten lines.
 */
export const IDENTITY_HEADER = 'x-frontdoor-identity';

/** A captured header is useless after this long, in ms. Subgraph calls are bounded by SUBGRAPH_TIMEOUT_MS anyway. */
export const IDENTITY_TTL_MS = 60_000;

export function signIdentityHeader(principal: Principal, requestId: string, secret: string, nowMs: number = Date.now(), idempotencyKey?: string): string {
  const claims = { sub: principal.id, scp: principal.scopes, rid: requestId, exp: nowMs + IDENTITY_TTL_MS, ...(idempotencyKey !== undefined ? { idk: idempotencyKey } : {}) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`v1.${payload}`).digest('base64url');
  return `v1.${payload}.${signature}`;
}

/** What a signature covers: the caller and the request the calls belong to. */
export interface IdentitySubject {
  principal: Principal;
  requestId: string;
  /** Set on mutations sent with an Idempotency-Key (plugins/idempotency.ts). */
  idempotencyKey?: string;
}

/**
 * Signs each request's identity once and reuses it for all of that request's subgraph calls (the
 * profile makes six; an HMAC and a JSON encoding each were ~3% of gateway CPU). Keyed by the
 * request's context object, so nothing outlives the request; re-signed once half the header's
 * lifetime has passed, so a call late in a slow request never carries a nearly expired header.
 */
export class IdentitySigner {
  private readonly signed = new WeakMap<IdentitySubject, { header: string; expiresAtMs: number; idempotencyKey: string | undefined }>();

  constructor(private readonly secret: string) {}

  headerFor(subject: IdentitySubject, nowMs: number = Date.now()): string {
    const cached = this.signed.get(subject);
    if (cached && cached.expiresAtMs - nowMs > IDENTITY_TTL_MS / 2 && cached.idempotencyKey === subject.idempotencyKey) return cached.header;
    const header = signIdentityHeader(subject.principal, subject.requestId, this.secret, nowMs, subject.idempotencyKey);
    this.signed.set(subject, { header, expiresAtMs: nowMs + IDENTITY_TTL_MS, idempotencyKey: subject.idempotencyKey });
    return header;
  }
}
