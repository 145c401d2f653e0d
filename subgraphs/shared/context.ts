/**
 * Per-request context for every subgraph: who is calling (Principal), the forwarded request id, a child
 * logger carrying it, and the subgraph's per-request DataLoaders.
 */
import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, verifyIdentity, type VerifiedIdentity } from './identity';
import type { Logger } from './logger';

/** The caller as the subgraph sees it. `id: null` means anonymous. */
export interface Principal {
  id: string | null;
  scopes: string[];
}

/** Lower-cased header name → value (multi-valued headers joined with ", "). */
export type RequestHeaders = Readonly<Record<string, string>>;

export interface SubgraphContext<TLoaders = unknown> {
  requestId: string;
  principal: Principal;
  /** The mutation's Idempotency-Key from the signed identity (./idempotency.ts); null without one. */
  idempotencyKey: string | null;
  /** Child logger with `requestId` bound. */
  log: Logger;
  /** Created fresh for every request, so nothing is cached across callers. */
  loaders: TLoaders;
}

const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * THE one place a subgraph learns who is calling: the gateway's signed identity header
 * (./identity.ts), checked against `secret` and this call's request id. Anything unsigned, forged,
 * expired or replayed from another request is anonymous (and logged), so a client that reaches a
 * subgraph directly, or sends `x-user-id`, is nobody.
 */
export function readPrincipal(headers: RequestHeaders, secret: string, log?: Logger): Principal {
  const { id, scopes } = readIdentity(headers, secret, log);
  return { id, scopes };
}

/** The caller and, on a mutation sent with one, its signed Idempotency-Key. */
function readIdentity(headers: RequestHeaders, secret: string, log?: Logger): VerifiedIdentity {
  const result = verifyIdentity(headers[IDENTITY_HEADER], headers[REQUEST_ID_HEADER], secret);
  if (result.ok) return result.identity;
  if (result.reason !== 'missing') log?.warn({ reason: result.reason }, 'identity header refused; caller treated as anonymous');
  return { id: null, scopes: [] };
}

/** True when the caller may act on `userId`'s data: it is theirs, or they hold the `admin` scope. */
export function mayAccessUser(principal: Principal, userId: string): boolean {
  return principal.id === userId || principal.scopes.includes(ADMIN_SCOPE);
}

/** The scope that sees and changes anyone's data (docs/security.md, Scopes). */
export const ADMIN_SCOPE = 'admin';

/** The forwarded `x-request-id` when it looks sane, else a fresh UUID. */
export function readRequestId(headers: RequestHeaders): string {
  const forwarded = headers[REQUEST_ID_HEADER];
  return forwarded !== undefined && VALID_REQUEST_ID.test(forwarded) ? forwarded : randomUUID();
}

export function buildContext<TLoaders>(
  headers: RequestHeaders,
  log: Logger,
  createLoaders: () => TLoaders,
  identitySecret: string,
): SubgraphContext<TLoaders> {
  const requestId = readRequestId(headers);
  const child = log.child({ requestId });
  const { id, scopes, idempotencyKey } = readIdentity(headers, identitySecret, child);
  return {
    requestId,
    principal: { id, scopes },
    idempotencyKey: idempotencyKey ?? null,
    log: child,
    loaders: createLoaders(),
  };
}
