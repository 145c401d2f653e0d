/**
 * A WebSocket session the fuzz plays against the gateway (ws-arbitraries.ts generates them,
 * send-ws.ts plays them on a raw TCP connection, ws-invariants.ts judges what came back).
 */

/** The upgrade request, byte for byte as HTTP/1.1 text. */
export interface WsHandshake {
  method: string;
  /** The request target. */
  path: string;
  httpVersion: '1.1' | '1.0';
  /** Header lines in order, `name: value`. */
  headers: string[];
  /** Bytes after the headers (latin1): an upgrade request has none, a fuzzed one may. */
  body: string;
  /**
   * What the gateway must answer: `accept` (101) for a proper handshake on the GraphQL path,
   * `refuse` (an answer in JSON, not 101), or `either` where node's parser decides (HTTP/1.0, a
   * body, no Host).
   */
  expect: 'accept' | 'refuse' | 'either';
  /** Offers `graphql-transport-ws`: an accepted socket without it is closed with 4406. */
  offersProtocol: boolean;
}

/** One frame to send; `data` is latin1 (any bytes). */
export interface WsFrame {
  opcode: number;
  data: string;
  fin?: boolean;
  mask?: boolean;
  rsv?: number;
}

export type WsStep =
  /** Frames written back to back; `note` names what they are for reports and counts. */
  | { kind: 'send'; note: string; frames: WsFrame[]; subscribeId?: string; init?: boolean }
  | { kind: 'pause'; ms: number }
  /** Waits for `connection_ack` (or a close); none within the ack deadline is a stall. */
  | { kind: 'await-ack' };

export interface WsSessionProbe {
  kind: 'ws';
  handshake: WsHandshake;
  steps: WsStep[];
  /** How the client leaves: a close handshake (which the server must answer), or dropping the TCP connection. */
  end: 'close' | 'drop';
}

/** What came back during one session. */
export interface WsObservation {
  /** The answer to the upgrade request; undefined when none came within the deadline (a stall). */
  answer: { status: number; headers: Map<string, string>; contentType: string; body: string } | undefined;
  /** Messages received, parsed (or `{ unparsable: text }`), in order. */
  messages: unknown[];
  /** The server's close frame: its code (1005 when it carried none). */
  serverClose: { code: number; reason: string } | undefined;
  /** The TCP connection ended without a close frame from the server. */
  droppedWithoutClose: boolean;
  /** Waits that ran out: an unanswered connection_init, an unanswered close handshake. */
  stalls: string[];
}

/** A short description for failure reports: frames can be 256 KiB. */
export function describeSession(probe: WsSessionProbe): string {
  const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} bytes)` : s);
  return JSON.stringify({
    handshake: { ...probe.handshake, headers: probe.handshake.headers.map(clip), body: clip(probe.handshake.body) },
    steps: probe.steps.map((step) => (step.kind === 'send' ? { note: step.note, frames: step.frames.map((f) => ({ ...f, data: clip(f.data) })) } : step)),
    end: probe.end,
  });
}
