import type { HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Authenticator } from '../../auth/authenticate';
import type { GatewayContext } from '../../context';
import type { GatewayRequest, GatewayResponse } from '../../edge/request-types';
import type { StreamResult } from '../client-stream';
import type { ErrorFormatter } from '../event-execution';
import type { SubscriptionService } from '../subscription-service';
import type { SubscriptionSlot } from '../subscription-slot';
import { multipartFormat } from './multipart-writer';
import { sseFormat } from './sse-writer';
import { streamingAccept } from './stream-accept';
import { writeSingle, writeStream, type StreamFormat } from './write-stream';

/** A POST /graphql that may stream (http/graphql-handler.ts calls these two steps). */
export interface PreparedStream {
  /** What Apollo Server sees as Accept instead of the client's (which lists no JSON type); undefined keeps the client's. */
  accept: string | undefined;
  /** Goes on the request's context; the subscription plugin fills it. */
  slot: SubscriptionSlot;
  /** Writes the answer; false leaves a plain JSON answer to the handler (a query over multipart). */
  respond(res: GatewayResponse, response: HTTPGraphQLResponse, context: GatewayContext | undefined): Promise<boolean>;
}

export interface StreamDoorOptions {
  service: SubscriptionService;
  auth: Authenticator;
  heartbeatMs: number;
  formatError: ErrorFormatter;
}

/**
 * The HTTP doors of subscriptions: multipart (Apollo Client's HttpLink) and SSE (graphql-sse,
 * distinct connections), chosen by `Accept`. Requests go through graphqlHandler like any POST, so
 * authentication, the global rate limit and every plugin run first; only the answer differs.
 */
export function streamDoor(opts: StreamDoorOptions) {
  return (req: GatewayRequest): PreparedStream | undefined => {
    if (req.method !== 'POST') return undefined;
    const wanted = streamingAccept(req.headers.accept);
    if (!wanted) return undefined;
    const { protocol, acceptsJson } = wanted;
    const format: StreamFormat = protocol === 'sse' ? sseFormat : multipartFormat;
    const slot: SubscriptionSlot = { protocol };
    return {
      // Apollo Server never streams these itself (we do); a client that takes no JSON still gets its non-streamed answers from it as JSON.
      accept: acceptsJson ? undefined : 'application/json',
      slot,
      respond: async (res, response, context) => {
        if (!slot.captured || !context) {
          // A query or mutation (or a refusal, with its status, before anything streams) is plain JSON when the
          // client takes JSON (urql's Accept) or asked for multipart (Apollo Client); graphql-sse takes only event streams.
          if (acceptsJson || protocol === 'multipart') return false;
          writeSingle(res, format, bodyOf(response));
          return true;
        }
        const authorization = req.headers.authorization;
        const token = context.principal.id !== null && authorization ? await opts.auth.verifyBearer(authorization, context.log) : undefined;
        const started = opts.service.start(slot.captured, { protocol, token });
        if (!started.ok) {
          const error = opts.formatError(started.error.toJSON(), started.error);
          if (protocol === 'sse') writeSingle(res, format, { errors: [error] });
          else refuse(res, error, started.error.extensions.http);
          return true;
        }
        await writeStream(res, started.stream, format, opts.heartbeatMs, opts.formatError);
        return true;
      },
    };
  };
}

function bodyOf(response: HTTPGraphQLResponse): StreamResult {
  if (response.body.kind !== 'complete') return { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
  return JSON.parse(response.body.string) as StreamResult;
}

/** Multipart refusals are plain JSON with their status: any status ≥ 300 fails the client's stream at once. */
function refuse(res: GatewayResponse, error: GraphQLFormattedError, http: unknown): void {
  res.statusCode = (http as { status?: number } | undefined)?.status ?? 500;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [error] }));
}
