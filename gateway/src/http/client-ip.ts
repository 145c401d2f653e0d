import type { IncomingMessage } from 'node:http';

/**
 * Pure: the caller's IP. `X-Forwarded-For` is believed only behind a trusted proxy
 * (`TRUST_PROXY=true`), and then only its first entry; otherwise anyone could pick their own
 * rate-limit key by sending the header.
 */
export function clientIp(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return normalize(req.socket.remoteAddress ?? 'unknown');
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one caller. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
