import { createClient, type Client, type FormattedExecutionResult, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';

export interface WsClientOptions {
  /** Headers on the upgrade request. */
  headers?: Record<string, string>;
  /** The `connection_init` payload (Apollo's GraphQLWsLink `connectionParams`). */
  connectionParams?: Record<string, unknown>;
  /** TLS: the CA to trust. */
  ca?: string;
}

/** A real graphql-ws client (as Apollo Client's GraphQLWsLink uses), no retries, so a close shows up at once. */
export function wsClient(httpUrl: string, opts: WsClientOptions = {}): Client {
  const url = httpUrl.replace(/^http/, 'ws');
  class HeaderWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { ...(opts.headers ? { headers: opts.headers } : {}), ...(opts.ca ? { ca: opts.ca } : {}) });
    }
  }
  return createClient({
    url,
    webSocketImpl: HeaderWebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(opts.connectionParams ? { connectionParams: opts.connectionParams } : {}),
  });
}

export type Result = FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>;

/** What one subscription received: results in order, and how it ended. */
export interface Received {
  received: Result[];
  /** Set when the server sent `error` (or the socket closed): the errors, or the CloseEvent's code. */
  error?: { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>; closeCode?: number };
  completed: boolean;
  /** Resolves once `count` results have arrived. */
  results(count: number, timeoutMs?: number): Promise<Result[]>;
  /** Resolves when the subscription has ended (error or complete). */
  ended(timeoutMs?: number): Promise<void>;
  unsubscribe(): void;
}

export function subscribe(client: Client, payload: SubscribePayload): Received {
  const received: Received = {
    received: [],
    completed: false,
    results: async (count, timeoutMs = 10_000) => {
      await until(() => received.received.length >= count || received.completed || received.error !== undefined, `${count} results`, timeoutMs);
      if (received.received.length < count) throw new Error(`ended after ${received.received.length} results: ${JSON.stringify(received.error)}`);
      return received.received.slice(0, count);
    },
    ended: (timeoutMs = 10_000) => until(() => received.completed || received.error !== undefined, 'the end of the subscription', timeoutMs),
    unsubscribe: () => undefined,
  };
  received.unsubscribe = client.subscribe<Record<string, unknown>, Record<string, unknown>>(payload, {
    next: (result) => {
      received.received.push(result);
    },
    error: (err: unknown) => {
      if (Array.isArray(err)) received.error = { errors: err as NonNullable<Received['error']>['errors'] };
      else if (err && typeof err === 'object' && 'code' in err) received.error = { closeCode: Number((err as { code: unknown }).code) };
      else received.error = { errors: [{ message: String(err) }] };
    },
    complete: () => {
      received.completed = true;
    },
  });
  return received;
}

/** Polls `check` until it is true (a jest timeout bounds the test anyway). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
