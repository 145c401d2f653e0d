import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { until } from './ws-client';

/** A bare WebSocket speaking graphql-transport-ws by hand, for messages a real client would never send. */
export interface RawSocket {
  ws: WebSocket;
  /** Every message received, parsed. */
  messages: Array<{ type: string; id?: string; payload?: unknown }>;
  closeCode(): Promise<number>;
  send(message: unknown): void;
  /** Sends connection_init and waits for the ack. */
  init(payload?: Record<string, unknown>): Promise<void>;
  waitFor(check: (messages: RawSocket['messages']) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Stops reading from the TCP socket (a slow consumer), or starts again. */
  pause(): void;
  resume(): void;
}

/** `protocol: null` offers no subprotocol at all. */
export async function rawSocket(httpUrl: string, protocol: string | null = 'graphql-transport-ws', headers: Record<string, string> = {}): Promise<RawSocket> {
  const ws = protocol === null ? new WebSocket(httpUrl.replace(/^http/, 'ws'), { headers }) : new WebSocket(httpUrl.replace(/^http/, 'ws'), protocol, { headers });
  const messages: RawSocket['messages'] = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as RawSocket['messages'][number]));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  // ws keeps the TCP socket private; pausing it is the only way to stop reading at the TCP level.
  const tcp = (): Socket => (ws as unknown as { _socket: Socket })._socket;
  const socket: RawSocket = {
    ws,
    messages,
    closeCode: () => closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    init: async (payload) => {
      socket.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
      await socket.waitFor((m) => m.some((x) => x.type === 'connection_ack'), 'connection_ack');
    },
    waitFor: (check, what, timeoutMs) => until(() => check(messages), what, timeoutMs),
    pause: () => tcp().pause(),
    resume: () => tcp().resume(),
  };
  return socket;
}
