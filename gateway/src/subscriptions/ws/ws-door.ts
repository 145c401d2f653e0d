import type { EventEmitter } from 'node:events';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, makeServer, type FormattedExecutionResult } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorBody, type ErrorCode } from '../../errors';
import { parseRequestTarget } from '../../http/request-target';
import type { ErrorFormatter } from '../event-execution';
import type { SubscriptionsConfig } from '../subscription-config';
import type { StreamResult } from '../client-stream';
import type { OpenSubscription } from '../subscription-registry';
import { runWsOperation, type WsConnection, type WsOperationDeps } from './ws-operation';

export interface WebSocketDoorOptions extends WsOperationDeps {
  /** The gateway's listener (node:http, or the TLS HTTP/2 server: WebSockets arrive over its HTTP/1.1 connections). */
  server: EventEmitter;
  path: string;
  config: SubscriptionsConfig;
  formatError: ErrorFormatter;
  /** Why upgrades are refused right now (starting: SCHEMA_NOT_READY, draining: SERVER_SHUTTING_DOWN, both 503); undefined while serving. */
  refusal(): 'SCHEMA_NOT_READY' | 'SERVER_SHUTTING_DOWN' | undefined;
}

export interface WebSocketDoor {
  /** Connections open now. */
  readonly connections: number;
  /** Stops accepting, closes every connection with 1001 (clients reconnect elsewhere), and waits up to `graceMs` for them to go. */
  close(graceMs: number): Promise<void>;
}

/** What one `subscribe` hands to graphql-ws's execute/subscribe (via ExecutionArgs.contextValue). */
interface Prepared {
  stream?: AsyncIterableIterator<StreamResult>;
  result?: StreamResult;
}

/** graphql-ws needs an operation to tell a query from a subscription; a query's result is already computed. */
const ALREADY_EXECUTED: DocumentNode = parse('query AlreadyExecuted { __typename }');

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, what Apollo Client's GraphQLWsLink and Sandbox
 * speak) on the GraphQL path. graphql-ws runs the protocol (connection_init timeout → 4408,
 * subscribe before init → 4401, duplicate id → 4409, malformed message → 4400, second init →
 * 4429), `ws` the socket (a message over WS_MAX_MESSAGE_BYTES → 1009); every operation goes through
 * runWsOperation, the same pipeline as HTTP. A bad token is answered with an `error` message per
 * operation (UNAUTHENTICATED), not a close: graphql-ws clients retry a 4403 silently for ~30 s.
 */
export function attachWebSocketDoor(opts: WebSocketDoorOptions): WebSocketDoor {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.config.ws.maxMessageBytes,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false),
  });
  const server = makeServer<Record<string, unknown> | undefined, WsConnection>({
    connectionInitWaitTimeout: opts.config.ws.connectionInitTimeoutMs,
    onConnect: (ctx) => {
      const params = ctx.connectionParams ?? {};
      const fromParams = params.authorization ?? params.Authorization;
      if (typeof fromParams === 'string' && fromParams !== '') ctx.extra.authorization = fromParams;
      return true;
    },
    onSubscribe: async (ctx, _id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
      let outcome;
      try {
        outcome = await runWsOperation(opts, ctx.extra, payload);
      } catch (err) {
        // One operation failing unexpectedly ends that operation, not the connection and its other subscriptions.
        opts.log.error({ err }, 'websocket operation failed');
        outcome = { kind: 'refused' as const, errors: [] };
      }
      if (outcome.kind === 'refused') return toErrors(outcome.errors.length > 0 ? outcome.errors : [INTERNAL_ERROR]);
      const prepared: Prepared = outcome.kind === 'stream' ? { stream: outcome.stream } : { result: outcome.result };
      return { schema: PLACEHOLDER_SCHEMA, document: outcome.kind === 'stream' ? SUBSCRIPTION : ALREADY_EXECUTED, contextValue: prepared };
    },
    // graphql-ws types results as graphql-js ExecutionResults (GraphQLError instances); ours carry
    // formatted errors, which onNext below sends as they are.
    execute: (args) => ((args.contextValue as Prepared).result ?? {}) as ExecutionResult,
    subscribe: (args) => ((args.contextValue as Prepared).stream ?? {}) as AsyncIterableIterator<ExecutionResult>,
    // Our results are formatted already (plain objects): graphql-ws would call toJSON on them.
    onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
    // The gateway's formatter, like every other response: codes kept, internals masked, `http` dropped.
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => opts.formatError(e.toJSON(), e)),
  });

  // A handshake `ws` refuses (no key, wrong version, bad subprotocol list) is answered like every
  // other bad request, in JSON with a code; without a listener `ws` writes its own HTML page.
  wss.on('wsClientError', (err: Error, socket: Duplex) => rejectUpgrade(socket, 'BAD_REQUEST', 400, { reason: err.message }));
  const sockets = new Set<WebSocket>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // parseRequestTarget never throws: `new URL()` threw on `GET http://[` here, in an event
    // handler, and took the process down.
    const target = parseRequestTarget(req.url);
    if (!target) return rejectUpgrade(socket, 'BAD_REQUEST', 400);
    if (target.pathname !== opts.path) return rejectUpgrade(socket, 'NOT_FOUND', 404);
    const refusal = opts.refusal();
    if (refusal) return rejectUpgrade(socket, refusal, 503, {}, { 'retry-after': '1' });
    wss.handleUpgrade(req, socket, head, (ws) => bind(ws, req));
  };
  opts.server.on('upgrade', onUpgrade);

  const bind = (ws: WebSocket, request: IncomingMessage): void => {
    sockets.add(ws);
    const connection: WsConnection = { request, authorization: request.headers.authorization, open: new Set<OpenSubscription>() };
    ws.on('error', (err) => opts.log.info({ err: err.message }, 'websocket closed on a protocol error'));
    let alive = true;
    ws.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, opts.config.ws.keepAliveMs);
    keepAlive.unref();
    const closed = server.opened(
      {
        protocol: ws.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (ws.readyState !== ws.OPEN) return resolve();
            ws.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => ws.close(code, reason),
        onMessage: (cb) =>
          ws.on('message', (data) => {
            cb(String(data)).catch((err: unknown) => {
              opts.log.error({ err }, 'websocket operation failed');
              ws.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      connection,
    );
    ws.once('close', (code, reason) => {
      sockets.delete(ws);
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  };

  return {
    get connections() {
      return sockets.size;
    },
    close: async (graceMs) => {
      opts.server.off('upgrade', onUpgrade);
      for (const ws of sockets) ws.close(1001, 'Going away');
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

const INTERNAL_ERROR: GraphQLFormattedError = { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };

/** Refusals as graphql-ws wants them (it sends `toJSON()` of each, after onError formats them). */
function toErrors(errors: readonly GraphQLFormattedError[]): GraphQLError[] {
  return errors.map((e) => new GraphQLError(e.message, { ...(e.path ? { path: e.path } : {}), ...(e.extensions ? { extensions: e.extensions } : {}) }));
}

/** The socket has no ServerResponse yet: the answer is written raw, in the same JSON shape as every other refusal. */
function rejectUpgrade(socket: Duplex, code: ErrorCode, status: number, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(code, extensions);
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n${extra}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Never executed (execute/subscribe above return what the pipeline produced); graphql-ws only reads the document. */
const SUBSCRIPTION: DocumentNode = parse('subscription Stream { __typename }');
// Read by nobody: onSubscribe returns ready ExecutionArgs, so graphql-ws neither validates nor executes against it.
const PLACEHOLDER_SCHEMA = {} as GraphQLSchema;
