import { createHash, randomBytes } from 'node:crypto';

/**
 * WebSocket framing (RFC 6455 §5) by hand, for the session fuzz: a client library would refuse to
 * send unmasked frames, reserved opcodes, fragmented control frames or invalid UTF-8, and would hide
 * the close code behind its own events. Client frames are masked unless asked otherwise.
 */

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameSpec {
  opcode: number;
  payload: Buffer;
  /** Last frame of its message. @default true */
  fin?: boolean;
  /** Clients must mask (§5.3); an unmasked one is a protocol error. @default true */
  mask?: boolean;
  /** RSV1–3 as a 3-bit number; non-zero without an extension is a protocol error. @default 0 */
  rsv?: number;
}

export function encodeFrame(spec: FrameSpec): Buffer {
  const { opcode, payload, fin = true, mask = true, rsv = 0 } = spec;
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + extended + (mask ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xf);
  head[1] = (mask ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) head.writeUInt16BE(length, 2);
  if (extended === 8) head.writeBigUInt64BE(BigInt(length), 2);
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  key.copy(head, 2 + extended);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) masked[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([head, masked]);
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Cuts a byte stream from the server into frames (unmasked, as servers send them; masked ones are unmasked too). */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    const buf = this.pending;
    if (buf.length < 2) return undefined;
    let length = buf[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (buf.length < 4) return undefined;
      length = buf.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (buf.length < 10) return undefined;
      length = Number(buf.readBigUInt64BE(2));
      at = 10;
    }
    const masked = (buf[1]! & 0x80) !== 0;
    const keyAt = at;
    if (masked) at += 4;
    if (buf.length < at + length) return undefined;
    const payload = Buffer.from(buf.subarray(at, at + length));
    if (masked) for (let i = 0; i < length; i += 1) payload[i] = payload[i]! ^ buf[keyAt + (i & 3)]!;
    this.pending = buf.subarray(at + length);
    return { fin: (buf[0]! & 0x80) !== 0, opcode: buf[0]! & 0xf, payload };
  }
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** What `Sec-WebSocket-Accept` must be for a key (§4.2.2). */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}
