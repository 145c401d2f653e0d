/**
 * The signed identity header: how a subgraph knows who is calling and that the gateway said so
 * (DESIGN.md decision 8). The gateway verifies the client's token, then sends on every subgraph
 * call
 *
 *   x-frontdoor-identity: v1.<base64url(JSON {sub, scp, rid, exp, idk?})>.<base64url(HMAC-SHA256(secret, "v1." + payload))>
 *
 * `sub` is the user id (null: anonymous), `scp` the scopes, `rid` the request id (must equal the
 * call's `x-request-id`), `exp` the expiry in ms since the epoch (a minute ahead: a captured header
 * is useless soon after), `idk` the mutation's Idempotency-Key when the client sent one (signed with
 * `sub`, so it is bound to the caller: ./idempotency.ts). The secret is SUBGRAPH_IDENTITY_SECRET, shared by gateway and subgraphs.
 * Anything else (no header, bad signature, expired, another request's header, plain `x-user-id`)
 * means anonymous. The gateway has its own copy of the signing half (gateway/src/auth/identity-header.ts);
 * a unit test checks the two agree.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const IDENTITY_HEADER = 'x-frontdoor-identity';
const VERSION = 'v1';

/** Same value as the gateway's DEV_IDENTITY_SECRET: `npm start` works with no setup; refused in production. */
export const DEV_IDENTITY_SECRET = 'frontdoor-development-identity-secret-not-for-production';

export interface VerifiedIdentity {
  id: string | null;
  scopes: string[];
  /** The client's Idempotency-Key for this mutation, when it sent one. */
  idempotencyKey?: string;
}

/** Longest key the gateway forwards (gateway/src/idempotency/idempotency-key.ts); anything longer is ignored. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

export type IdentityRejection = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'other-request';

export function verifyIdentity(
  header: string | undefined,
  requestId: string | undefined,
  secret: string,
  nowMs: number = Date.now(),
): { ok: true; identity: VerifiedIdentity } | { ok: false; reason: IdentityRejection } {
  if (!header) return { ok: false, reason: 'missing' };
  const [version, payload, signature, ...rest] = header.split('.');
  if (version !== VERSION || !payload || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  let claims: { sub?: unknown; scp?: unknown; rid?: unknown; exp?: unknown; idk?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.exp !== 'number' || claims.exp < nowMs) return { ok: false, reason: 'expired' };
  if (claims.rid !== requestId) return { ok: false, reason: 'other-request' };
  const id = typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
  const scopes = Array.isArray(claims.scp) ? claims.scp.filter((s): s is string => typeof s === 'string') : [];
  const key = typeof claims.idk === 'string' && claims.idk.length > 0 && claims.idk.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? claims.idk : undefined;
  return { ok: true, identity: { id, scopes, ...(key !== undefined ? { idempotencyKey: key } : {}) } };
}

/** The signing half, for subgraph tests and tools; the gateway signs with its own copy. */
export function signIdentity(
  identity: VerifiedIdentity,
  requestId: string,
  secret: string,
  ttlMs = 60_000,
  nowMs: number = Date.now(),
): string {
  const claims = { sub: identity.id, scp: identity.scopes, rid: requestId, exp: nowMs + ttlMs, ...(identity.idempotencyKey !== undefined ? { idk: identity.idempotencyKey } : {}) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest('base64url');
  return `${VERSION}.${payload}.${signature}`;
}
