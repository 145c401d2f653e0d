import { Agent, request, type Dispatcher } from 'undici';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { SubgraphConnectTls } from '../edge/subgraph-tls';
import { SubgraphHeaders } from './subgraph-headers';

// The fetcher types as @apollo/gateway declares them (taken from it, so we track its version).
type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface UndiciFetcherOptions {
  /** Keep-alive connections per subgraph origin. */
  maxConnections: number;
  /** Whole-call deadline (headers and body), in milliseconds. */
  timeoutMs: number;
  /** CA and client certificate for HTTPS subgraphs (mTLS); empty: Node's roots, no client certificate. @default {} */
  tls?: SubgraphConnectTls;
}

/** One POST of a client operation to a subgraph. */
export interface SubgraphPost {
  headers: Record<string, string>;
  body: string;
  /** Longest wait for the response headers, and for each body chunk, in ms (undici's own timers). */
  timeoutMs: number;
}

export type PostToSubgraph = (url: string, req: SubgraphPost) => Promise<FetcherResponse>;

export interface PooledFetcher {
  /** Apollo's fetcher shape, for the calls Apollo makes itself (health checks, schema loading). */
  fetcher: Fetcher;
  /**
   * The hot path for client operations. It takes a deadline instead of an AbortSignal: a
   * per-call AbortSignal.timeout keeps a timer alive after the call and fires it later (a
   * DOMException and an abort event per subgraph call, ~3% of CPU in our profile); undici's
   * per-request timeouts are cleared with the request.
   */
  post: PostToSubgraph;
  /** Closes every pooled connection; in-flight calls finish first. */
  close(): Promise<void>;
}

/**
 * The subgraph fetcher. @apollo/gateway's default (make-fetch-happen over agent-base) builds a
 * stack trace per request to detect https and was ~40% of gateway CPU in our measurements
 * (DESIGN.md, decision 9); `undici.request` over one pooled keep-alive Agent avoids both that and
 * the WHATWG fetch overhead.
 */
export function createUndiciFetcher(opts: UndiciFetcherOptions): PooledFetcher {
  const agent = new Agent({
    connections: opts.maxConnections,
    keepAliveTimeout: 30_000,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    pipelining: 1,
    // Per-request timeouts start once the request is written; bound the connect phase too.
    connect: { timeout: Math.min(opts.timeoutMs, 10_000), ...opts.tls },
    // `localhost` routing URLs (rover's convention) resolve to ::1 first on Node 20; try both families.
    autoSelectFamily: true,
  });
  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const signal = init.signal instanceof AbortSignal ? init.signal : AbortSignal.timeout(opts.timeoutMs);
    const res = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
      signal,
    });
    const text = await res.body.text();
    return new BufferedResponse(url, res.statusCode, toHeaders(res.headers), text);
  };
  const post: PostToSubgraph = async (url, req) => {
    const res = await request(url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const text = await res.body.text();
    return new BufferedResponse(url, res.statusCode, toHeaders(res.headers), text);
  };
  return { fetcher, post, close: () => agent.close() };
}

/** A Map-backed FetcherHeaders: the WHATWG Headers class validates every name and value, which we do not need for a subgraph's answer. */
function toHeaders(raw: Record<string, string | string[] | undefined>): SubgraphHeaders {
  const headers = new SubgraphHeaders();
  for (const name in raw) {
    const value = raw[name];
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** A fully read response: subgraph bodies are small JSON documents, so buffering is the simple, fast path. */
class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  bodyUsed = false;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: SubgraphHeaders,
    private readonly body: string,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return String(this.status);
  }
  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body;
  }
  async json(): Promise<unknown> {
    this.bodyUsed = true;
    return JSON.parse(this.body) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    const bytes = new TextEncoder().encode(this.body);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, new SubgraphHeaders(this.headers), this.body);
  }
}
