import { ANONYMOUS, type Principal } from './auth/principal';
import type { ClientIdentity } from './clients/client-registry';
import type { VerifiedToken } from './auth/jwt';
import type { Logger } from './logger';
import type { SubscriptionSlot } from './subscriptions/subscription-slot';

/** Per-request state: built once per HTTP request, read by plugins and the data source. */
export interface GatewayContext {
  /** The inbound `x-request-id` when valid, else a new UUID; forwarded to subgraphs and echoed. */
  requestId: string;
  /** Child logger with `requestId` bound. */
  log: Logger;
  /** `performance.now()` when the request arrived, for duration logging. */
  startedAtMs: number;
  /** The caller: ANONYMOUS until authentication says otherwise. */
  principal: Principal;
  /** The caller's IP (see http/client-ip.ts for when X-Forwarded-For is believed). */
  clientIp: string;
  /**
   * The calling application and its policy (limits, allowed operations, introspection). Starts as
   * the unidentified client; set once authentication has run (the token may name the client).
   */
  client: ClientIdentity;
  /**
   * The verified bearer token whose revocation the request gate still has to check (in the same
   * round trip as the limits: limits/limits.ts). Absent for anonymous callers, and for contexts
   * built by a door that checked revocation itself (`Authenticator.authenticate`).
   */
  token?: VerifiedToken;
  /** Set by the doors that can stream a subscription (WebSocket, multipart, SSE); see subscriptions/subscription-slot.ts. */
  subscription?: SubscriptionSlot;
  /**
   * A mutation's `Idempotency-Key`, set by the idempotency plugin once the request holds it; signed
   * into the identity header of its subgraph calls, bound to the caller.
   */
  idempotencyKey?: string;
  /** Set when the request came through a REST route (rest/); shared by reference with the route's handler. */
  rest?: RestRequestState;
}

/**
 * A REST route's request: its method and path template (`/api/orders/{id}`) and the one `request completed` log
 * line, which the pipeline leaves here instead of writing it: only the route knows the HTTP status
 * the client gets (404 for a null pick, 304 for a matching ETag).
 */
export interface RestRequestState {
  readonly method: string;
  readonly route: string;
  logLine?: Record<string, unknown>;
}

export interface BuildContextInput {
  requestId: string;
  log: Logger;
  startedAtMs: number;
  clientIp: string;
  principal?: Principal;
  /** Until identified: the registry's `unidentified` (default policy). */
  client: ClientIdentity;
  rest?: RestRequestState;
}

export function buildContext(input: BuildContextInput): GatewayContext {
  return {
    requestId: input.requestId,
    log: input.log.child({ requestId: input.requestId }),
    startedAtMs: input.startedAtMs,
    principal: input.principal ?? ANONYMOUS,
    clientIp: input.clientIp,
    client: input.client,
    ...(input.rest ? { rest: input.rest } : {}),
  };
}
