import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType, makeServer, type FormattedExecutionResult } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UpgradeHandler } from '../../edge/request-types';
import { answerDetachedSocket } from '../../edge/socket-answers';
import { gatewayError } from '../../errors';
import { parseRequestTarget } from '../../http/request-target';
import type { ErrorFormatter } from '../event-execution';
import type { SubscriptionsConfig } from '../subscription-config';
import type { StreamResult } from '../client-stream';
import type { OpenSubscription } from '../subscription-registry';
import { runWsOperation, type WsConnection, type WsOperationDeps } from './ws-operation';

export interface WebSocketDoorOptions extends WsOperationDeps {
  path: string;
  config: SubscriptionsConfig;
  formatError: ErrorFormatter;
  /** Why upgrades are refused right now (starting: SCHEMA_NOT_READY, draining: SERVER_SHUTTING_DOWN, both 503); undefined while serving. */
  refusal(): 'SCHEMA_NOT_READY' | 'SERVER_SHUTTING_DOWN' | undefined;
}

export interface WebSocketDoor {
  /** Answers every upgrade request of the listener (edge/listener.ts `serveUpgrades`). */
  handleUpgrade: UpgradeHandler;
  /** Connections open now. */
  readonly connections: number;
  /** Stops accepting, closes every connection with 1001 (clients reconnect elsewhere), and waits up to `graceMs` for them to go. */
  close(graceMs: number): Promise<void>;
}

/** A connection as the door keeps it (graphql-ws's `extra`). */
interface DoorConnection extends WsConnection {
  /** Resolves once the socket has closed. */
  closed: Promise<void>;
  /** The latest `subscribe` of each id still being prepared: tells a superseded one (see onSubscribe). */
  starting: Map<string, symbol>;
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
  const server = makeServer<Record<string, unknown> | undefined, DoorConnection>({
    connectionInitWaitTimeout: opts.config.ws.connectionInitTimeoutMs,
    onConnect: (ctx) => {
      const params = ctx.connectionParams ?? {};
      const fromParams = params.authorization ?? params.Authorization;
      if (typeof fromParams === 'string' && fromParams !== '') ctx.extra.authorization = fromParams;
      return true;
    },
    onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
      const ticket = Symbol(id);
      ctx.extra.starting.set(id, ticket);
      let outcome;
      try {
        outcome = await runWsOperation(opts, ctx.extra, payload);
      } catch (err) {
        // One operation failing unexpectedly ends that operation, not the connection and its other subscriptions.
        opts.log.error({ err }, 'websocket operation failed');
        outcome = { kind: 'refused' as const, errors: [] };
      }
      if (ctx.extra.starting.get(id) !== ticket) {
        // While this one was prepared, the client completed its id and subscribed again with it.
        // graphql-ws keys operations by id only: going on would send this operation's events as the
        // new one's, and lose track of one of the two streams (left open after the socket closed).
        // This one ends here, and graphql-ws is answered only once the connection is gone, when it
        // drops the answer.
        if (outcome.kind === 'stream') void outcome.stream.return?.();
        await ctx.extra.closed;
        return toErrors([SUPERSEDED]);
      }
      ctx.extra.starting.delete(id);
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

  // A handshake `ws` refuses (no key, wrong version, an Upgrade other than websocket, bad
  // subprotocol list) is answered like every other bad request, in JSON with a code; without a
  // listener `ws` writes its own HTML page.
  wss.on('wsClientError', (err: Error, socket: Duplex, req: IncomingMessage) => {
    if (req.method !== 'GET') return answerDetachedSocket(socket, 'METHOD_NOT_ALLOWED', { reason: err.message }, { allow: 'GET' });
    answerDetachedSocket(socket, 'BAD_REQUEST', { reason: err.message }, VERSION_REFUSED.test(err.message) ? { 'sec-websocket-version': '13, 8' } : {});
  });
  const sockets = new Set<WebSocket>();
  let closing = false;
  const handleUpgrade: UpgradeHandler = (req, socket, head) => {
    // parseRequestTarget never throws: `new URL()` threw on `GET http://[` here, in an event
    // handler, and took the process down.
    const target = parseRequestTarget(req.url);
    if (!target) return answerDetachedSocket(socket, 'BAD_REQUEST', { reason: 'The request target is not a valid URL' });
    if (target.pathname !== opts.path) return answerDetachedSocket(socket, 'NOT_FOUND');
    // Before `ws` looks at the method: a POST asking for another protocol (`Upgrade: h2c`, as curl
    // --http2 sends) is told what is wrong, not that POST is not allowed.
    if (req.headers.upgrade?.trim().toLowerCase() !== 'websocket') {
      return answerDetachedSocket(socket, 'BAD_REQUEST', { reason: 'Only WebSocket upgrades (Upgrade: websocket) are served here' });
    }
    const refusal = closing ? 'SERVER_SHUTTING_DOWN' : opts.refusal();
    if (refusal) return answerDetachedSocket(socket, refusal, {}, { 'retry-after': '1' });
    wss.handleUpgrade(req, socket, head, (ws) => bind(ws, req));
  };

  const bind = (ws: WebSocket, request: IncomingMessage): void => {
    sockets.add(ws);
    let onClosed: () => void = () => undefined;
    const connection: DoorConnection = {
      request,
      authorization: request.headers.authorization,
      open: new Set<OpenSubscription>(),
      closed: new Promise<void>((resolve) => (onClosed = resolve)),
      starting: new Map(),
    };
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
        // A send that fails means the socket is going away ('close' follows and ends the
        // subscriptions): not an error of the operation, which graphql-ws would turn into a 4500.
        send: (data) =>
          new Promise<void>((resolve) => {
            if (ws.readyState !== ws.OPEN) return resolve();
            ws.send(data, () => resolve());
          }),
        // `ws` throws on a close reason over 123 bytes, and graphql-ws puts the client's id in some
        // (`Subscriber for <id> already exists`): a long duplicate id became a 4500 instead of 4409.
        close: (code, reason) => ws.close(code, closeReason(reason)),
        onMessage: (cb) =>
          ws.on('message', (data) => {
            const text = String(data);
            cb(text).catch((err: unknown) => {
              // graphql-ws validates a message the server itself sends (connection_ack, next, error)
              // as well-formed, then throws on it: the client's mistake, a 4400 like any other.
              if (isServerMessage(text)) return ws.close(CloseCode.BadRequest, 'Invalid message received');
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
      onClosed();
      void closed(code, String(reason));
      // graphql-ws ends the streams it knows of; this also ends any it lost track of.
      for (const entry of [...connection.open]) void entry.stream.return();
    });
  };

  return {
    handleUpgrade,
    get connections() {
      return sockets.size;
    },
    close: async (graceMs) => {
      closing = true;
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

/** What `ws` says when Sec-WebSocket-Version is missing or unsupported (RFC 6455 §4.4: list the versions served). */
const VERSION_REFUSED = /Sec-WebSocket-Version/;

/** Sent to nobody: graphql-ws drops the answer to a superseded subscribe (the connection is gone by then). */
const SUPERSEDED = gatewayError('BAD_REQUEST', { reason: 'The id was completed and reused while this operation started' }).toJSON();

/** The longest close reason a close frame carries (RFC 6455 §5.5: 125 bytes of payload, 2 of them the code). */
const MAX_CLOSE_REASON_BYTES = 123;

function closeReason(reason: string | undefined): string | undefined {
  let out = reason;
  // Rare (ids are short): shorten by characters until the UTF-8 form fits.
  while (out !== undefined && Buffer.byteLength(out) > MAX_CLOSE_REASON_BYTES) out = out.slice(0, -1);
  return out;
}

/** Message types only a server sends; graphql-ws throws on them instead of refusing. Parsed only after that throw. */
function isServerMessage(text: string): boolean {
  try {
    const message = JSON.parse(text) as unknown;
    if (typeof message !== 'object' || message === null) return false;
    const type = (message as { type?: unknown }).type;
    return type === MessageType.ConnectionAck || type === MessageType.Next || type === MessageType.Error;
  } catch {
    return false;
  }
}

/** Never executed (execute/subscribe above return what the pipeline produced); graphql-ws only reads the document. */
const SUBSCRIPTION: DocumentNode = parse('subscription Stream { __typename }');
// Read by nobody: onSubscribe returns ready ExecutionArgs, so graphql-ws neither validates nor executes against it.
const PLACEHOLDER_SCHEMA = {} as GraphQLSchema;
