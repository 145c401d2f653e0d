import { createClient as createSseClient } from 'graphql-sse';
import { until, type Result } from './ws-client';

export const MULTIPART_ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json';

/** One multipart subscription over real HTTP, read part by part as Apollo Client's HttpLink does. */
export interface MultipartSubscription {
  status: number;
  headers: Headers;
  /** Parsed parts in order (heartbeats are `{}`). */
  parts: Array<Record<string, unknown>>;
  /** The body ended with `--graphql--`. */
  closed: boolean;
  /** The JSON body when the server refused (status ≥ 300) instead of streaming. */
  refusal?: { errors?: Array<{ extensions?: Record<string, unknown> }> };
  /** Parts that are events (`payload`), in order. */
  payloads(): Array<Record<string, unknown> | null>;
  waitFor(check: (s: MultipartSubscription) => boolean, what: string, timeoutMs?: number): Promise<void>;
  abort(): void;
}

export async function multipartSubscribe(url: string, query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}): Promise<MultipartSubscription> {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: MULTIPART_ACCEPT, ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const sub: MultipartSubscription = {
    status: res.status,
    headers: res.headers,
    parts: [],
    closed: false,
    payloads: () => sub.parts.filter((p) => 'payload' in p).map((p) => p.payload as Record<string, unknown> | null),
    waitFor: (check, what, timeoutMs) => until(() => check(sub), what, timeoutMs),
    abort: () => controller.abort(),
  };
  if (res.status >= 300 || !(res.headers.get('content-type') ?? '').startsWith('multipart/mixed')) {
    sub.refusal = (await res.json()) as MultipartSubscription['refusal'];
    return sub;
  }
  void (async () => {
    let buffer = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        // A part is complete when the next delimiter follows it.
        for (;;) {
          const start = buffer.indexOf('\r\n--graphql');
          if (start === -1) break;
          const end = buffer.indexOf('\r\n--graphql', start + 1);
          if (end === -1) {
            if (buffer.slice(start).startsWith('\r\n--graphql--')) sub.closed = true;
            break;
          }
          const part = buffer.slice(start + '\r\n--graphql'.length, end);
          buffer = buffer.slice(end);
          const bodyAt = part.indexOf('\r\n\r\n');
          if (bodyAt !== -1) sub.parts.push(JSON.parse(part.slice(bodyAt + 4)) as Record<string, unknown>);
        }
      }
      if (buffer.includes('--graphql--')) sub.closed = true;
    } catch {
      // aborted
    }
  })();
  return sub;
}

/** One subscription through the real graphql-sse client (distinct connections mode), no retries. */
export function sseSubscribe(url: string, query: string, headers: Record<string, string> = {}) {
  const client = createSseClient({ url, headers, retryAttempts: 0 });
  const state: { received: Result[]; error: unknown; completed: boolean } = { received: [], error: undefined, completed: false };
  const dispose = client.subscribe<Record<string, unknown>, Record<string, unknown>>(
    { query },
    {
      next: (r) => void state.received.push(r as Result),
      error: (e) => void (state.error = e),
      complete: () => void (state.completed = true),
    },
  );
  return {
    state,
    results: (count: number) => until(() => state.received.length >= count, `${count} SSE results`),
    ended: () => until(() => state.completed || state.error !== undefined, 'the end of the SSE stream'),
    dispose: () => {
      dispose();
      client.dispose();
    },
  };
}
