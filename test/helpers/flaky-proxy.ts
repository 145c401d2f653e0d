import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of forwarding. */
export interface ProxyFault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FlakyProxy {
  /** Point the gateway here (SUBGRAPH_URL_<NAME>). */
  url: string;
  /** Where forwarded requests go; settable because the stack starts after the proxy. */
  targetUrl: string;
  /** `Date.now()` of every request the proxy received, failed or forwarded. */
  received: number[];
  /** The next `count` requests get `fault` (default: 503); later ones are forwarded again. */
  failNext(count: number, fault?: ProxyFault): void;
  /** Every request gets `fault` until `heal()`. */
  failAll(fault?: ProxyFault): void;
  /**
   * The next `count` requests are forwarded, and once the subgraph has answered (it has done the
   * work: a mutation is applied) the connection to the gateway is reset instead of answering.
   */
  resetAfterForwardNext(count: number): void;
  heal(): void;
  stop(): Promise<void>;
}

const UNAVAILABLE: ProxyFault = { status: 503, body: 'service unavailable' };
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

/**
 * A real HTTP server on port 0 between the gateway and one real subgraph: it fails requests on
 * demand (a flaky or broken subgraph, as a load balancer in front of a restarting pod would
 * answer) and forwards the rest unchanged. Not a mock: the gateway's real HTTP client talks to it.
 */
export interface FlakyProxyOptions {
  /** Copy the subgraph's response headers (Cache-Control, …), not only its content type. @default false */
  forwardResponseHeaders?: boolean;
}

export async function startFlakyProxy(targetUrl = 'http://127.0.0.1:9/graphql', opts: FlakyProxyOptions = {}): Promise<FlakyProxy> {
  let failuresLeft = 0;
  let resetsLeft = 0;
  let always = false;
  let fault: ProxyFault = UNAVAILABLE;
  const received: number[] = [];

  const server: Server = createServer((req, res) => {
    received.push(Date.now());
    void readAll(req).then(async (body) => {
      if (always || failuresLeft > 0) {
        if (!always) failuresLeft -= 1;
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      try {
        const upstream = await fetch(proxy.targetUrl, { method: req.method ?? 'POST', headers, body });
        if (resetsLeft > 0) {
          resetsLeft -= 1;
          await upstream.text();
          req.socket.resetAndDestroy();
          return;
        }
        const copied: Record<string, string> = {};
        if (opts.forwardResponseHeaders) upstream.headers.forEach((value, name) => void (HOP_BY_HOP.has(name) || name === 'content-encoding' ? undefined : (copied[name] = value)));
        res.writeHead(upstream.status, { ...copied, 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(await upstream.text());
      } catch {
        res.writeHead(502);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: FlakyProxy = {
    url: `http://127.0.0.1:${port}/graphql`,
    targetUrl,
    received,
    failNext: (count, f = UNAVAILABLE) => {
      failuresLeft = count;
      fault = f;
    },
    failAll: (f = UNAVAILABLE) => {
      always = true;
      fault = f;
    },
    resetAfterForwardNext: (count) => {
      resetsLeft = count;
    },
    heal: () => {
      always = false;
      failuresLeft = 0;
      resetsLeft = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
