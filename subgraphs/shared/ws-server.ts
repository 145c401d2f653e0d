/**
 * The subgraph's GraphQL over WebSocket (`graphql-transport-ws`, graphql-ws over ws) on the same
 * port and paths as its HTTP side. Only a gateway may connect: the upgrade request must carry a
 * valid signed identity (./identity.ts), else 401 before any WebSocket exists. Each operation runs
 * as the caller named by the identity in its `extensions.identity` (signed per subscription by the
 * gateway, which multiplexes many callers over one connection), else as the connection's.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import { CloseCode, makeServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { type RequestHeaders, type SubgraphContext } from './context';
import { IDENTITY_HEADER, verifyIdentity } from './identity';
import type { Logger } from './logger';

/** Idle connections are pinged this often; one that misses a pong for as long is dropped, in ms. */
const KEEP_ALIVE_MS = 12_000;

export interface SubgraphWebSocketOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  log: Logger;
  identitySecret: string;
  /** The operation's context from identity headers (`x-request-id` + `x-frontdoor-identity`). */
  context: (headers: RequestHeaders) => SubgraphContext;
}

export interface SubgraphWebSocket {
  /** Subscriptions currently streaming (tests wait for theirs to be live). */
  openSubscriptions(): number;
  /** Closes every connection with 1001 (going away) and stops accepting. */
  close(): Promise<void>;
}

interface Extra {
  request: IncomingMessage;
}

export function serveWebSocket(opts: SubgraphWebSocketOptions): SubgraphWebSocket {
  const wss = new WebSocketServer({ noServer: true });
  let open = 0;
  const server = makeServer<Record<string, unknown>, Extra>({
    schema: opts.schema,
    // The gateway owns the client's init timeout; between services a slow start is not an attack.
    connectionInitWaitTimeout: 10_000,
    context: (ctx, _id, payload) => opts.context(identityOf(payload.extensions) ?? headersOf(ctx.extra.request)),
    onOperation: (ctx, id, _payload, _args, result) => {
      if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
        open += 1;
        live(ctx).add(id);
      }
      return undefined;
    },
    onComplete: (ctx, id) => {
      if (live(ctx).delete(id)) open -= 1;
    },
  });
  const live = (ctx: { extra: Extra }): Set<string> => {
    const holder = ctx.extra as Extra & { live?: Set<string> };
    return (holder.live ??= new Set());
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const headers = headersOf(req);
    const identity = verifyIdentity(headers[IDENTITY_HEADER], headers['x-request-id'], opts.identitySecret);
    if (!identity.ok) {
      opts.log.warn({ reason: identity.reason }, 'websocket refused: no valid gateway identity');
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bind(ws, req));
  };
  opts.httpServer.on('upgrade', onUpgrade);

  const bind = (ws: WebSocket, request: IncomingMessage): void => {
    const extra: Extra = { request };
    ws.on('error', (err) => opts.log.warn({ err: err.message }, 'websocket error'));
    let alive = true;
    ws.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, KEEP_ALIVE_MS);
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
              opts.log.error({ err }, 'websocket message failed');
              ws.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    ws.once('close', (code, reason) => {
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  };
  wss.options.handleProtocols = (protocols) => (protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false);

  return {
    openSubscriptions: () => open,
    close: async () => {
      opts.httpServer.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'Going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The identity the gateway signed for one operation (`extensions.identity`: the two headers). */
function identityOf(extensions: Record<string, unknown> | undefined | null): RequestHeaders | undefined {
  const identity = extensions?.identity;
  if (identity === null || typeof identity !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(identity)) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

function headersOf(req: IncomingMessage): RequestHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
