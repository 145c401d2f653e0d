import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect as h2Connect } from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import { generate } from 'selfsigned';
import { Agent, request } from 'undici';
import { createDevCertificate } from '../../scripts/dev-cert';


export interface Pem {
  cert: string;
  key: string;
}

/** The localhost certificate `npm run dev-cert` writes (self-signed: it is its own CA). */
export const localhostCert = (): Promise<Pem> => createDevCertificate(2);

/** A small CA for mTLS tests. */
export async function makeCa(name: string): Promise<Pem> {
  const ca = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

/** A leaf certificate signed by `ca`: a localhost server certificate, or a client certificate. */
export async function signedBy(ca: Pem, role: 'server' | 'client', cn: string): Promise<Pem> {
  const leaf = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      role === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
      ...(role === 'server'
        ? [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] }]
        : []),
    ],
  });
  return { cert: leaf.cert, key: leaf.private };
}

export function fingerprint(pem: Pem): string {
  return new X509Certificate(pem.cert).fingerprint256;
}

/** A temporary directory, removed by `cleanup()`. */
export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-tls-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes cert.pem and key.pem by rename, as cert-manager and editors do. */
export function writePair(dir: string, pem: Pem): { certFile: string; keyFile: string } {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  for (const [file, text] of [[keyFile, pem.key], [certFile, pem.cert]] as const) {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
  return { certFile, keyFile };
}

/** SHA-256 fingerprint of the certificate a new TLS connection to `url` is served. */
export function peerFingerprint(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.once('error', reject);
  });
}

/** The protocol a handshake limited to `min`..`max` ends with, or the error code when the server refuses it. */
export function handshake(url: string, ca: string, min: SecureVersion, max: SecureVersion): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    // SECLEVEL=0 so the client itself would still offer TLS 1.0/1.1: only the server can refuse.
    const socket = tlsConnect({ host: hostname, port: Number(port), ca, servername: 'localhost', minVersion: min, maxVersion: max, ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.end();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

export interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTPS request over HTTP/1.1 (undici), trusting `ca`. */
export async function httpsRequest(
  url: string,
  ca: string,
  init: { method?: 'GET' | 'POST' | 'OPTIONS'; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsResult> {
  const agent = new Agent({ connect: { ca } });
  try {
    const res = await request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body ?? null, dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  } finally {
    await agent.close();
  }
}

/** One request over HTTP/2 (node:http2), trusting `ca`; rejects if the server does not speak h2. */
export function http2Request(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsResult & { alpn: string | false }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const session = h2Connect(target.origin, { ca });
    session.once('error', reject);
    const stream = session.request({ ':method': init.method ?? 'GET', ':path': `${target.pathname}${target.search}`, ...init.headers });
    let text = '';
    let headers: Record<string, string | string[] | undefined> = {};
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: string) => (text += chunk));
    stream.once('error', reject);
    stream.on('end', () => {
      const alpn = session.alpnProtocol ?? false;
      session.close();
      resolve({ status: Number(headers[':status']), headers, text, alpn });
    });
    stream.end(init.body);
  });
}
