import { Agent, request, type Dispatcher } from 'undici';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

// The fetcher types as @apollo/gateway declares them (taken from it, so we track its version).
type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface UndiciFetcherOptions {
  /** Keep-alive connections per subgraph origin. */
  maxConnections: number;
  /** Whole-call deadline (headers and body), in milliseconds. */
  timeoutMs: number;
}

export interface PooledFetcher {
  fetcher: Fetcher;
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
  return { fetcher, close: () => agent.close() };
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
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
    readonly headers: Headers,
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
    return new BufferedResponse(this.url, this.status, new Headers(this.headers), this.body);
  }
}
