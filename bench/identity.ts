/**
 * The identity the comparison gateways (bench/apollo-gateway.ts, bench/hive-gateway.ts) send to the
 * subgraphs, so they get the same answers as Frontdoor's calls: the caller named by the request's
 * bearer token, signed ONCE per request and shared by that request's subgraph calls (as Frontdoor's
 * IdentitySigner does), bound to one x-request-id per request.
 *
 * The token is decoded, NOT verified: the comparison gateways verify nothing (no signature, no
 * expiry, no revocation, no rate limit, no cost). Frontdoor does all of that on every request.
 */
import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, signIdentity, type VerifiedIdentity } from '../subgraphs/shared/identity';

function claimsOf(authorization: string | null | undefined): VerifiedIdentity {
  const payload = authorization?.startsWith('Bearer ') ? authorization.slice(7).split('.')[1] : undefined;
  if (!payload) return { id: null, scopes: [] };
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; scope?: unknown };
    return {
      id: typeof claims.sub === 'string' ? claims.sub : null,
      scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    };
  } catch {
    return { id: null, scopes: [] };
  }
}

/** The headers every subgraph call of one client request carries: call once per request. */
export function subgraphHeadersFor(authorization: string | null | undefined, secret: string): Record<string, string> {
  const requestId = randomUUID();
  return { 'x-request-id': requestId, [IDENTITY_HEADER]: signIdentity(claimsOf(authorization), requestId, secret) };
}
