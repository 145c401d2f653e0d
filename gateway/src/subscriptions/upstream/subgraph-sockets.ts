import { randomUUID } from 'node:crypto';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { signIdentityHeader, IDENTITY_HEADER } from '../../auth/identity-header';
import { ANONYMOUS, type Principal } from '../../auth/principal';
import type { SubgraphConnectTls } from '../../edge/subgraph-tls';
import type { Logger } from '../../logger';
import type { Replica, ReplicaSet } from '../../routing/replica-set';

/** What a subgraph sends for one upstream subscription. */
export interface UpstreamSink {
  next(result: FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>): void;
  /** The subgraph connection failed or closed, or the subgraph sent `error`. */
  error(cause: string): void;
  complete(): void;
}

export interface UpstreamRequest {
  subgraph: string;
  operation: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  principal: Principal;
  requestId: string;
}

export interface SubgraphSocketsOptions {
  /** The subgraph's URL (SUBGRAPH_URL_<NAME> or the supergraph's), used when it has no replica set. */
  urlFor(subgraph: string): string | undefined;
  /** Subgraphs with several URLs: the same replica choice as HTTP calls. */
  replicasFor(subgraph: string): ReplicaSet | undefined;
  tls: SubgraphConnectTls;
  identitySecret: string;
  /** Longest wait for a subgraph to acknowledge a connection, in ms (SUBGRAPH_TIMEOUT_MS). */
  connectTimeoutMs: number;
  keepAliveMs: number;
  log: Logger;
}

/** A graphql-ws client per subgraph URL, and replica picks waiting for its connection's outcome. */
interface Socket {
  client: Client;
  connected: boolean;
  awaiting: Array<{ set: ReplicaSet; replica: Replica }>;
}

/**
 * The gateway's WebSocket connections to subgraphs: one graphql-ws client per subgraph URL
 * (replica), multiplexing every upstream subscription to it, opened on demand and closed a second
 * after its last subscription. The upgrade carries a freshly signed identity (subgraphs accept
 * gateways only); each subscription carries its caller's signed identity in `extensions.identity`.
 * No retries: a lost connection ends its subscriptions, and the clients resubscribe.
 */
export class SubgraphSockets {
  private readonly sockets = new Map<string, Socket>();

  constructor(private readonly opts: SubgraphSocketsOptions) {}

  /** Starts one upstream subscription; returns its unsubscribe. */
  subscribe(request: UpstreamRequest, sink: UpstreamSink): () => void {
    const set = this.opts.replicasFor(request.subgraph);
    const replica = set?.pick(undefined, false);
    const url = replica?.url ?? (set ? undefined : this.opts.urlFor(request.subgraph));
    if (!url) {
      sink.error(set ? 'every replica is down' : 'no URL');
      return () => undefined;
    }
    const socket = this.socketFor(url);
    if (set && replica) {
      if (socket.connected) set.report(replica, true);
      else socket.awaiting.push({ set, replica });
    }
    const identity = { 'x-request-id': request.requestId, [IDENTITY_HEADER]: signIdentityHeader(request.principal, request.requestId, this.opts.identitySecret) };
    return socket.client.subscribe<Record<string, unknown>, Record<string, unknown>>(
      { query: request.operation, variables: request.variables, ...(request.operationName ? { operationName: request.operationName } : {}), extensions: { identity } },
      {
        next: (result) => sink.next(result),
        error: (err) => sink.error(describe(err)),
        complete: () => sink.complete(),
      },
    );
  }

  async close(): Promise<void> {
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    await Promise.allSettled(sockets.map((s) => s.client.dispose()));
  }

  private socketFor(httpUrl: string): Socket {
    const known = this.sockets.get(httpUrl);
    if (known) return known;
    const { tls, identitySecret } = this.opts;
    // A fresh identity per connection attempt: the header expires a minute after signing.
    class SignedWebSocket extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        const requestId = randomUUID();
        const headers = { 'x-request-id': requestId, [IDENTITY_HEADER]: signIdentityHeader(ANONYMOUS, requestId, identitySecret) };
        super(address, protocols, { headers, ...tls });
      }
    }
    const settle = (ok: boolean): void => {
      for (const { set, replica } of socket.awaiting.splice(0)) set.report(replica, ok);
    };
    const socket: Socket = {
      connected: false,
      awaiting: [],
      client: createClient({
        url: httpUrl.replace(/^http/, 'ws'),
        webSocketImpl: SignedWebSocket,
        lazy: true,
        lazyCloseTimeout: 1000,
        retryAttempts: 0,
        keepAlive: this.opts.keepAliveMs,
        connectionAckWaitTimeout: this.opts.connectTimeoutMs,
        on: {
          connected: () => {
            socket.connected = true;
            settle(true);
          },
          closed: (event) => {
            const wasConnected = socket.connected;
            socket.connected = false;
            settle(false);
            if (wasConnected) this.opts.log.debug({ url: httpUrl, code: codeOf(event) }, 'subgraph websocket closed');
          },
          error: (err) => this.opts.log.warn({ url: httpUrl, cause: describe(err) }, 'subgraph websocket failed'),
        },
      }),
    };
    this.sockets.set(httpUrl, socket);
    return socket;
  }
}

function codeOf(event: unknown): number | undefined {
  return event !== null && typeof event === 'object' && 'code' in event && typeof event.code === 'number' ? event.code : undefined;
}

/** For logs: a close code, an error message, or GraphQL errors' codes. Never shown to clients. */
function describe(err: unknown): string {
  const code = codeOf(err);
  if (code !== undefined) return `closed with ${code}`;
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return `errors: ${err.map((e: { extensions?: { code?: unknown } }) => String(e?.extensions?.code ?? 'uncoded')).join(',')}`;
  if (err !== null && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}
