import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Pem } from './certs';

export interface MtlsProxy {
  /** https://127.0.0.1:<port>/graphql */
  url: string;
  /** Common names of the client certificates of the requests forwarded so far. */
  clientNames: string[];
  stop(): Promise<void>;
}

/**
 * An HTTPS front for a plain-HTTP subgraph that refuses any client without a certificate signed
 * by `clientCa` (the TLS handshake fails), as a service mesh or an mTLS ingress would.
 */
export async function startMtlsProxy(targetUrl: string, opts: { server: Pem; clientCa: string }): Promise<MtlsProxy> {
  const target = new URL(targetUrl);
  const clientNames: string[] = [];
  const server = createServer({ cert: opts.server.cert, key: opts.server.key, ca: opts.clientCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    if (typeof cn === 'string') clientNames.push(cn);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/graphql`,
    clientNames,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
