import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Authenticator } from '../../auth/authenticate';
import type { VerifiedToken } from '../../auth/jwt';
import type { ClientRegistry } from '../../clients/client-registry';
import { buildContext } from '../../context';
import { gatewayError } from '../../errors';
import { clientIp } from '../../http/client-ip';
import type { Limits } from '../../limits/limits';
import type { RequestRejection } from '../../limits/request-checks';
import type { Logger } from '../../logger';
import type { GatewayContext } from '../../context';
import type { StreamResult } from '../client-stream';
import type { OpenSubscription } from '../subscription-registry';
import type { SubscriptionService } from '../subscription-service';
import type { SubscriptionSlot } from '../subscription-slot';

export interface WsOperationDeps {
  apollo: ApolloServer<GatewayContext>;
  /** The checks POST /graphql makes before Apollo Server parses (limits/request-checks.ts), on the `subscribe` payload. */
  checkRequest: (payload: SubscribePayload) => RequestRejection | null;
  auth: Authenticator;
  clients: ClientRegistry;
  limits: Limits;
  service: SubscriptionService;
  trustProxy: boolean;
  log: Logger;
}

/** One WebSocket connection as its operations need it. */
export interface WsConnection {
  request: IncomingMessage;
  /** The bearer credential: `connection_init` payload's `authorization`/`Authorization`, else the upgrade's header. */
  authorization: string | undefined;
  /** Its open subscriptions (SUBSCRIPTIONS_MAX_PER_CONNECTION). */
  open: Set<OpenSubscription>;
}

/** What the door sends for one `subscribe` message. */
export type WsOutcome =
  | { kind: 'stream'; stream: AsyncIterableIterator<StreamResult> }
  | { kind: 'result'; result: StreamResult }
  | { kind: 'refused'; errors: readonly GraphQLFormattedError[] };

/**
 * A `subscribe` message through the same pipeline as POST /graphql: the token is checked again (it
 * may have expired or been revoked since `connection_init`), a caller known to be over its global
 * limit is refused, then Apollo Server (parse, validate, authorize, then the request gate:
 * revocation, rate limits, budget; trusted documents, client policy). A query or
 * mutation comes back as its result; a subscription as a stream from the subscription service.
 */
export async function runWsOperation(deps: WsOperationDeps, connection: WsConnection, payload: SubscribePayload): Promise<WsOutcome> {
  const requestId = randomUUID();
  const log = deps.log.child({ requestId });
  const rejection = deps.checkRequest(payload);
  if (rejection) {
    log.info({ operationName: payload.operationName ?? null, protocol: 'ws', errorCodes: [rejection.code] }, 'request completed');
    return { kind: 'refused', errors: [gatewayError(rejection.code, rejection.extensions, {}, rejection.message).toJSON()] };
  }
  let principal;
  let token: VerifiedToken | undefined;
  try {
    // Signature, claims and known revocations here; Redis's word on revocation comes with the
    // limits, in the request gate's one round trip (limits/limits.ts), as on POST /graphql.
    ({ principal, token } = await deps.auth.identify(connection.authorization, log));
  } catch (err) {
    return refused(err);
  }
  const context = buildContext({
    requestId,
    log: deps.log,
    startedAtMs: performance.now(),
    clientIp: clientIp(connection.request, deps.trustProxy),
    principal,
    client: deps.clients.identify(connection.request.headers, principal),
  });
  if (token) context.token = token;
  const slot: SubscriptionSlot = { protocol: 'ws' };
  context.subscription = slot;
  try {
    deps.limits.refuseKnownOverLimit(context);
  } catch (err) {
    log.info({ operationName: payload.operationName ?? null, protocol: 'ws', errorCodes: [codeOf(err)] }, 'request completed');
    return refused(err);
  }
  const response = await deps.apollo.executeOperation(
    {
      query: payload.query,
      ...(payload.variables ? { variables: payload.variables } : {}),
      ...(payload.operationName ? { operationName: payload.operationName } : {}),
      ...(payload.extensions ? { extensions: payload.extensions } : {}),
      http: { method: 'POST', headers: headersOf(connection.request), search: '', body: payload },
    },
    { contextValue: context },
  );
  if (slot.captured) {
    const started = deps.service.start(slot.captured, { protocol: 'ws', token, connection: connection.open });
    return started.ok ? { kind: 'stream', stream: started.stream } : refused(started.error);
  }
  if (response.body.kind !== 'single') return { kind: 'refused', errors: [gatewayError('INTERNAL_SERVER_ERROR').toJSON()] };
  const result = response.body.singleResult;
  // A refusal (any 4xx/5xx, or nothing executed) is the protocol's `error` message; results are `next` + `complete`.
  if ((response.http.status ?? 200) >= 400 || (result.data === undefined && result.errors?.length)) return { kind: 'refused', errors: result.errors ?? [] };
  return { kind: 'result', result: result as StreamResult };
}

function refused(err: unknown): WsOutcome {
  if (err instanceof GraphQLError) return { kind: 'refused', errors: [err.toJSON()] };
  throw err;
}

function codeOf(err: unknown): string | null {
  return err instanceof GraphQLError && typeof err.extensions.code === 'string' ? err.extensions.code : null;
}

/** The upgrade request's headers for Apollo Server (client identification, forwarded headers); never credentials. */
function headersOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'authorization' || name === 'cookie' || name.startsWith('sec-websocket')) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  // Every answer over the socket is one result per `next` message. The upgrade's own Accept (say
  // `multipart/mixed;deferSpec=20220824`) made Apollo Server answer a @defer query incrementally,
  // which this door cannot send: the client got INTERNAL_SERVER_ERROR (the WebSocket fuzz found it).
  headers.set('accept', 'application/json');
  return headers;
}
