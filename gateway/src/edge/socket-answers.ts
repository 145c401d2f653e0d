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
  answerAndClose(socket, 'METHOD_NOT_ALLOWED', { allow: 'GET, POST' });
}

const REASONS: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'Bad Request',
  REQUEST_HEADERS_TOO_LARGE: 'Request Header Fields Too Large',
  METHOD_NOT_ALLOWED: 'Method Not Allowed',
};

function answerAndClose(socket: Duplex, code: ErrorCode, headers: Record<string, string> = {}): void {
  const body = errorBody(code);
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${httpStatus(code) ?? 400} ${REASONS[code] ?? 'Error'}\r\n${extra}` +
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
