import net from 'node:net';
import { closePayload, encodeFrame, FrameReader, OPCODE, type Frame } from './ws-wire';
import type { WsObservation, WsSessionProbe } from './ws-probe';

/** How long an upgrade request may wait for its answer, a connection_init for its ack, a close for the server's, in ms. */
export const ANSWER_DEADLINE_MS = 5_000;
/** After the last frame, how long the session listens for answers still coming (refusals, results), in ms. */
const QUIET_MS = 150;
/** The longest a session listens after its last frame, whatever keeps arriving, in ms. */
const LISTEN_MAX_MS = 1_000;

/**
 * Plays one session on a fresh TCP connection: the upgrade request as written, then (once
 * upgraded) each step, listening to everything the server sends (answering its pings and its close
 * frame as a client must), then leaves as the probe says. Never throws for what the server does:
 * every wait is bounded, and what ran out is reported in `stalls`.
 */
export function runWsSession(origin: string, probe: WsSessionProbe): Promise<WsObservation> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const seen: WsObservation = { answer: undefined, messages: [], serverClose: undefined, droppedWithoutClose: false, stalls: [] };
    const socket = net.connect(Number(port), hostname);
    const reader = new FrameReader();
    let head: Buffer = Buffer.alloc(0);
    let phase: 'head' | 'body' | 'frames' = 'head';
    let bodyBytes: Buffer = Buffer.alloc(0);
    let ended = false;
    let lastActivity = Date.now();
    let fragments: Frame[] = [];
    let clientClosed = false;
    // Set before we destroy the socket ourselves: what happens after is not the server's doing.
    let finished = false;

    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close while we write (a refused upgrade, a 1009): what it sent before counts.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
      if (phase === 'head' && head.length === 0) reject(err);
    });
    socket.on('close', () => {
      ended = true;
      if (finished) return;
      if (phase === 'body' && seen.answer) seen.answer.body = decodeBody(seen.answer.headers, bodyBytes);
      if (phase === 'frames' && !seen.serverClose) seen.droppedWithoutClose = true;
    });
    socket.on('data', (chunk: Buffer) => {
      lastActivity = Date.now();
      if (phase === 'head') {
        head = Buffer.concat([head, chunk]);
        const parsed = parseHead(head);
        if (!parsed) return;
        head = Buffer.alloc(0);
        seen.answer = { status: parsed.status, headers: parsed.headers, contentType: parsed.headers.get('content-type') ?? '', body: '' };
        if (parsed.status === 101) {
          phase = 'frames';
          onFrames(reader.push(parsed.rest));
        } else {
          phase = 'body';
          bodyBytes = parsed.rest;
          if (bodyComplete(probe.handshake.method, parsed.status, parsed.headers, bodyBytes)) finishBody();
        }
        return;
      }
      if (phase === 'body') {
        bodyBytes = Buffer.concat([bodyBytes, chunk]);
        if (bodyComplete(probe.handshake.method, seen.answer!.status, seen.answer!.headers, bodyBytes)) finishBody();
        return;
      }
      onFrames(reader.push(chunk));
    });

    const finishBody = () => {
      seen.answer!.body = decodeBody(seen.answer!.headers, bodyBytes);
      finished = true;
      socket.destroy();
    };
    const send = (bytes: Buffer) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes);
    };
    const onFrames = (frames: Frame[]) => {
      for (const frame of frames) {
        if (frame.opcode === OPCODE.ping) send(encodeFrame({ opcode: OPCODE.pong, payload: frame.payload }));
        else if (frame.opcode === OPCODE.close) {
          seen.serverClose = { code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005, reason: frame.payload.subarray(2).toString('utf8') };
          // The closing handshake: echo it (RFC 6455 §5.5.1), then the server ends the TCP connection.
          if (!clientClosed) send(encodeFrame({ opcode: OPCODE.close, payload: frame.payload.subarray(0, 2) }));
          clientClosed = true;
        } else if (frame.opcode === OPCODE.text || frame.opcode === OPCODE.binary || frame.opcode === OPCODE.continuation) {
          fragments.push(frame);
          if (!frame.fin) continue;
          const text = Buffer.concat(fragments.map((f) => f.payload)).toString('utf8');
          fragments = [];
          try {
            seen.messages.push(JSON.parse(text) as unknown);
          } catch {
            seen.messages.push({ unparsable: text.slice(0, 500) });
          }
        }
      }
    };
    const until = async (done: () => boolean, ms: number): Promise<boolean> => {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 5));
      }
      return true;
    };
    const over = () => ended || seen.serverClose !== undefined;

    const play = async (): Promise<void> => {
      await new Promise<void>((connected) => socket.once('connect', () => connected()));
      const { handshake } = probe;
      socket.write(Buffer.from(`${handshake.method} ${handshake.path} HTTP/${handshake.httpVersion}\r\n${handshake.headers.map((h) => `${h}\r\n`).join('')}\r\n${handshake.body}`, 'latin1'));
      if (!(await until(() => phase !== 'head' || ended, ANSWER_DEADLINE_MS))) {
        seen.stalls.push(`no answer to the upgrade request within ${ANSWER_DEADLINE_MS} ms`);
        return;
      }
      if (phase === 'body') {
        if (!(await until(() => ended, ANSWER_DEADLINE_MS))) seen.stalls.push(`the answer to the upgrade request did not end within ${ANSWER_DEADLINE_MS} ms`);
        return;
      }
      if (phase !== 'frames') return;
      for (const step of probe.steps) {
        if (over()) break;
        if (step.kind === 'pause') await new Promise((r) => setTimeout(r, step.ms));
        else if (step.kind === 'await-ack') {
          const acked = () => seen.messages.some((m) => (m as { type?: unknown } | null)?.type === 'connection_ack');
          if (!(await until(() => acked() || over(), ANSWER_DEADLINE_MS))) seen.stalls.push(`no connection_ack within ${ANSWER_DEADLINE_MS} ms`);
        } else {
          for (const f of step.frames) send(encodeFrame({ opcode: f.opcode, payload: Buffer.from(f.data, 'latin1'), fin: f.fin ?? true, mask: f.mask ?? true, rsv: f.rsv ?? 0 }));
        }
      }
      // Answers still on their way (a query's result, a refusal): listen until it is quiet.
      const listenUntil = Date.now() + LISTEN_MAX_MS;
      lastActivity = Date.now();
      await until(() => over() || Date.now() - lastActivity > QUIET_MS || Date.now() > listenUntil, LISTEN_MAX_MS + 100);
      if (probe.end === 'drop' || ended) return;
      if (!clientClosed) {
        clientClosed = true;
        send(encodeFrame({ opcode: OPCODE.close, payload: closePayload(1000) }));
      }
      if (!(await until(() => ended, ANSWER_DEADLINE_MS))) seen.stalls.push(`the connection was still open ${ANSWER_DEADLINE_MS} ms after the close handshake began`);
    };
    play().then(
      () => {
        finished = true;
        socket.destroy();
        resolve(seen);
      },
      (err: unknown) => {
        finished = true;
        socket.destroy();
        reject(err);
      },
    );
  });
}

function parseHead(bytes: Buffer): { status: number; headers: Map<string, string>; rest: Buffer } | undefined {
  let buf = bytes;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const text = buf.subarray(0, end).toString('latin1');
    const [statusLine = '', ...lines] = text.split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const rest = buf.subarray(end + 4);
    // `100 Continue` (to `expect: 100-continue`) comes before the real answer.
    if (status >= 100 && status < 200 && status !== 101) {
      buf = rest;
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { status, headers, rest };
  }
}

function bodyComplete(method: string, status: number, headers: Map<string, string>, body: Buffer): boolean {
  if (method === 'HEAD' || status === 204 || status === 304) return true;
  if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) return body.includes('0\r\n\r\n');
  const length = headers.get('content-length');
  return length !== undefined && body.length >= Number(length);
}

function decodeBody(headers: Map<string, string>, body: Buffer): string {
  if (!headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) return body.toString('utf8');
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}
