/**
 * Serves a SubgraphDefinition over HTTP: buildSubgraphSchema (so `_service` and `_entities` exist) +
 * Apollo Server + the common plugins. Used unchanged by `main.ts`, `npm start` and every test.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildContext, type RequestHeaders, type SubgraphContext } from './context';
import type { SubgraphDefinition, SubgraphName } from './definition';
import { DEV_IDENTITY_SECRET } from './identity';
import { createLogger } from './logger';
import { serveGraphQL } from './http-server';
import { serveWebSocket } from './ws-server';
import { latencyPlugin, requestLogPlugin, requestRecorderPlugin, responseHeadersPlugin } from './plugins';

/** One GraphQL request as a subgraph received it (see StartSubgraphOptions.recordRequests). */
export interface RecordedRequest {
  /** From the request body, else from the parsed document; null for an anonymous operation. */
  operationName: string | null;
  /** Empty when the request carried only a persisted-query hash. */
  query: string;
  variables: Record<string, unknown>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Date.now() when the request reached the subgraph, before any injected latency. */
  receivedAt: number;
}

export interface StartSubgraphOptions {
  /** TCP port. @default 0 (ephemeral; read the real one from `handle.port`) */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Artificial delay added to every GraphQL request, in ms, for demos and benchmarks. @default 0 (off) */
  latencyMs?: number;
  /** Record every GraphQL request in `handle.requests`. @default false */
  recordRequests?: boolean;
  /** pino level; tests pass 'silent'. @default 'info' */
  logLevel?: string;
  /** HMAC secret of the gateway's identity header (SUBGRAPH_IDENTITY_SECRET). @default DEV_IDENTITY_SECRET */
  identitySecret?: string;
  /** Headers added to every GraphQL response (tests of the gateway's response-header propagation). @default none */
  responseHeaders?: Readonly<Record<string, string>>;
}

export interface SubgraphHandle {
  name: SubgraphName;
  /** e.g. `http://127.0.0.1:41234/graphql` (every path is served; this is the canonical one). */
  url: string;
  port: number;
  /** Every request received while `recordRequests` is on, oldest first. */
  requests: RecordedRequest[];
  clearRequests(): void;
  /** Changes the injected latency of a running subgraph, in ms (0 turns it off). */
  setLatencyMs(latencyMs: number): void;
  /** Subscriptions streaming over WebSocket right now (tests wait for theirs to be live). */
  openSubscriptions(): number;
  /** Closes WebSockets (1001), drains in-flight requests, then closes the port. Idempotent: a second call returns the same promise. */
  stop(): Promise<void>;
}

type Lifecycle = { kind: 'running' } | { kind: 'stopping'; done: Promise<void> } | { kind: 'stopped' };

export async function startSubgraph(def: SubgraphDefinition, opts: StartSubgraphOptions = {}): Promise<SubgraphHandle> {
  const { port = 0, host = '127.0.0.1', recordRequests = false, logLevel = 'info', identitySecret = DEV_IDENTITY_SECRET } = opts;
  let latencyMs = checkLatencyMs(opts.latencyMs ?? 0);
  const log = createLogger({ service: def.name, level: logLevel });
  const requests: RecordedRequest[] = [];

  const plugins: Array<ApolloServerPlugin<SubgraphContext> | false> = [
    recordRequests && requestRecorderPlugin(requests),
    latencyPlugin(() => latencyMs),
    opts.responseHeaders !== undefined && responseHeadersPlugin(opts.responseHeaders),
    requestLogPlugin(),
  ];
  const schema = buildSubgraphSchema([{ typeDefs: def.typeDefs, resolvers: def.resolvers }]);
  const server = new ApolloServer<SubgraphContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT; Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    logger: log,
    plugins: plugins.filter((plugin) => plugin !== false),
  });
  const { port: actualPort, httpServer } = await serveGraphQL(server, {
    port,
    host,
    context: async (req) => buildContext(toRequestHeaders(req.headers), log, () => def.createLoaders(), identitySecret),
  });
  // Subscriptions (and any operation) over WebSocket, same port, same identity rules.
  const webSocket = serveWebSocket({
    httpServer,
    schema,
    log,
    identitySecret,
    context: (headers) => buildContext(headers, log, () => def.createLoaders(), identitySecret),
  });
  const url = `http://${connectableHost(host)}:${actualPort}/graphql`;
  log.info({ url }, 'subgraph listening');

  let state: Lifecycle = { kind: 'running' };
  return {
    name: def.name,
    url,
    port: actualPort,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    setLatencyMs: (next) => {
      latencyMs = checkLatencyMs(next);
    },
    openSubscriptions: () => webSocket.openSubscriptions(),
    stop: () => {
      switch (state.kind) {
        case 'running': {
          // Upgraded sockets are not HTTP connections: the drain below would not see them.
          const done = webSocket
            .close()
            .then(() => server.stop())
            .then(() => def.dispose?.())
            .then(() => {
              state = { kind: 'stopped' };
              log.info('subgraph stopped');
            });
          state = { kind: 'stopping', done };
          return done;
        }
        case 'stopping':
          return state.done;
        case 'stopped':
          return Promise.resolve();
      }
    },
  };
}

function checkLatencyMs(latencyMs: number): number {
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  return latencyMs;
}

function toRequestHeaders(headers: IncomingHttpHeaders): RequestHeaders {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** A wildcard listen address is not something a client can connect to; use loopback in the URL. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
