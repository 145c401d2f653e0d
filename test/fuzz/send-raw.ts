import net from 'node:net';
import type { Observation, RawHttpProbe } from './probe';

/**
 * Writes the probe's bytes on a fresh connection and reads the first response until the server
 * closes (every raw probe asks for `connection: close`). Undefined when nothing came back within
 * `waitMs`: a failure for a complete request, fine for one cut short.
 */
export function sendRawProbe(origin: string, probe: RawHttpProbe, waitMs = 5_000): Promise<Observation | undefined> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(Buffer.from(probe.bytes, 'latin1')));
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks).toString('latin1')));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close while we are still writing; what it answered before that counts.
      if (chunks.length > 0 || err.code === 'ECONNRESET' || err.code === 'EPIPE') return finish();
      settled = true;
      clearTimeout(timer);
      reject(err);
    });
  });
}

function parseResponse(text: string): Observation | undefined {
  // `100 Continue` (to `expect: 100-continue`) comes before the real answer.
  while (/^HTTP\/1\.[01] 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  if (text === '') return undefined;
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const rest = headEnd === -1 ? '' : text.slice(headEnd + 4);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = new Map(headerLines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const body = headers.get('transfer-encoding')?.includes('chunked') ? dechunk(rest) : rest;
  return { status, contentType: headers.get('content-type') ?? '', body: Buffer.from(body, 'latin1').toString('utf8') };
}

function dechunk(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return out;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
