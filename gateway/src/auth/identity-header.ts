import { createHmac } from 'node:crypto';
import type { Principal } from './principal';

/**
 * The identity every subgraph call carries, signed so subgraphs can tell it came from the gateway
 * (DESIGN.md decision 8). Format (documented in README.md, verified by subgraphs/shared/identity.ts):
 *
 *   x-frontdoor-identity: v1.<base64url(JSON {sub, scp, rid, exp})>.<base64url(HMAC-SHA256(secret, "v1." + payload))>
 *
 * HMAC rather than a JWT: one synchronous hash per subgraph call on the hot path (DESIGN.md
 * decision 9), and verifying it in any language is ten lines.
 */
export const IDENTITY_HEADER = 'x-frontdoor-identity';

/** A captured header is useless after this long, in ms. Subgraph calls are bounded by SUBGRAPH_TIMEOUT_MS anyway. */
export const IDENTITY_TTL_MS = 60_000;

export function signIdentityHeader(principal: Principal, requestId: string, secret: string, nowMs: number = Date.now()): string {
  const claims = { sub: principal.id, scp: principal.scopes, rid: requestId, exp: nowMs + IDENTITY_TTL_MS };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`v1.${payload}`).digest('base64url');
  return `v1.${payload}.${signature}`;
}
