import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, httpStatus, type ErrorCode } from '../errors';

/**
 * Answers written straight to a socket, for requests node:http never hands to a request handler.
 *
 * Node's HTTP parser refuses some requests before any handler runs (headers over its 16 KiB
 * limit, malformed request lines, bad chunking) and by default answers them with a bare status
 * and no body. Every answer the gateway gives is in the error table's shape (issue #12), so we
 * answer these ourselves: 431 REQUEST_HEADERS_TOO_LARGE or 400 BAD_REQUEST, JSON, then close.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A client that went away or timed out waiting for itself: nobody is there to read an answer.
  if (err.code === 'ECONNRESET' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable || answered(socket)) {
    socket.destroy();
    return;
  }
  answerAndClose(socket, err.code === 'HPE_HEADER_OVERFLOW' ? 'REQUEST_HEADERS_TOO_LARGE' : 'BAD_REQUEST');
}

/**
 * A CONNECT request (a proxy tunnel) goes to node's 'connect' event, and without a listener node
 * drops the connection without a word: 405, like any other method we do not serve.
 */
export function answerConnect(_req: unknown, socket: Duplex): void {
  answerDetachedSocket(socket, 'METHOD_NOT_ALLOWED', {}, { allow: 'GET, POST' });
}

/**
 * An upgrade request (`Connection: upgrade` + `Upgrade`) no door takes: subscriptions are off.
 * Node hands such a request to 'upgrade' listeners and, without one, serves it as a plain request,
 * whose body it may never finish reading (an Upgrade request with malformed chunks waited for node's
 * 300 s request timeout): with this listener every upgrade gets an answer, 404 in JSON.
 */
export function answerUnclaimedUpgrade(_req: unknown, socket: Duplex): void {
  answerDetachedSocket(socket, 'NOT_FOUND');
}

/** How long a refused upgrade's client may keep its half of the connection open after our answer, in ms. */
const LINGER_MS = 5_000;

/**
 * Refuses a request on the socket node handed over ('upgrade', 'connect'), in the same JSON shape
 * as every other refusal. Node took its own listeners off that socket, the error listener and the
 * timeout included: without ours, a client resetting the connection while the answer is written is
 * an uncaught 'error' event (the end of the process), and a client that never closes holds the
 * socket forever. What the client still sends is read and dropped: closing with unread bytes would
 * make the kernel reset the connection, and the client could lose the answer.
 */
export function answerDetachedSocket(socket: Duplex, code: ErrorCode, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  answerAndClose(socket, code, headers, extensions);
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function answerAndClose(socket: Duplex, code: ErrorCode, headers: Record<string, string> = {}, extensions: Record<string, unknown> = {}): void {
  const body = errorBody(code, extensions);
  const status = httpStatus(code) ?? 400;
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${extra}` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * The request's response has started already (we answered before its body was read, and the
 * body then turned out malformed): a second response would corrupt the stream. Node's own
 * clientError handler makes the same check on the same (undocumented) field.
 */
function answered(socket: Duplex): boolean {
  return (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
}
