/**
 * Per-request context for every subgraph: who is calling (Principal), the forwarded request id, a child
 * logger carrying it, and the subgraph's per-request DataLoaders.
 */
import { randomUUID } from 'node:crypto';
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
  /** Child logger with `requestId` bound. */
  log: Logger;
  /** Created fresh for every request, so nothing is cached across callers. */
  loaders: TLoaders;
}

const USER_ID_HEADER = 'x-user-id';
const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * THE one place a subgraph learns who is calling. For now it trusts a plain `x-user-id` header; the auth
 * work replaces this body with verification of the gateway's signed identity header (DESIGN.md decision 8)
 * and nothing else in the subgraphs has to change.
 */
export function readPrincipal(headers: RequestHeaders): Principal {
  const id = headers[USER_ID_HEADER]?.trim();
  return { id: id || null, scopes: [] };
}

/** The forwarded `x-request-id` when it looks sane, else a fresh UUID. */
export function readRequestId(headers: RequestHeaders): string {
  const forwarded = headers[REQUEST_ID_HEADER];
  return forwarded !== undefined && VALID_REQUEST_ID.test(forwarded) ? forwarded : randomUUID();
}

export function buildContext<TLoaders>(
  headers: RequestHeaders,
  log: Logger,
  createLoaders: () => TLoaders,
): SubgraphContext<TLoaders> {
  const requestId = readRequestId(headers);
  return {
    requestId,
    principal: readPrincipal(headers),
    log: log.child({ requestId }),
    loaders: createLoaders(),
  };
}
