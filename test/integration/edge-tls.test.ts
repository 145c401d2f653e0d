import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CertificateReloadOutcome } from '../../gateway/src/edge/certificate-watcher';
import { fingerprint, handshake, http2Request, httpsRequest, localhostCert, peerFingerprint, tempDir, writePair, type Pem } from '../helpers/certs';
import { startStack, type Stack } from '../helpers/stack';
import { until } from '../helpers/ws-client';

const USER_QUERY = JSON.stringify({ query: '{ user(id: "7") { id } }' });
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Resolves with the next reload outcome that is not `unchanged`. */
function reloads(): { next(): Promise<CertificateReloadOutcome>; listener(outcome: CertificateReloadOutcome): void } {
  const waiting: Array<(o: CertificateReloadOutcome) => void> = [];
  const queued: CertificateReloadOutcome[] = [];
  return {
    listener: (outcome) => {
      if (outcome.status === 'unchanged') return;
      const waiter = waiting.shift();
      if (waiter) waiter(outcome);
      else queued.push(outcome);
    },
    next: () => {
      const ready = queued.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe('HTTPS and HTTP/2 termination', () => {
  const files = tempDir();
  const events = reloads();
  let certA: Pem;
  let stack: Stack;

  beforeAll(async () => {
    certA = await localhostCert();
    const { certFile, keyFile } = writePair(files.dir, certA);
    stack = await startStack({
      subgraphs: ['users'],
      latencyMs: 0,
      env: { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_RELOAD_DEBOUNCE_MS: '50', MAX_BODY_BYTES: '2048', HSTS_MAX_AGE_S: '600' },
      gatewayDeps: { onCertificateReload: events.listener },
    });
  });
  afterAll(async () => {
    await stack.stop();
    files.cleanup();
  });

  it('when TLS files are configured, then the gateway URL is https and an HTTP/1.1 request is served with HSTS', async () => {
    // Act
    const res = await httpsRequest(stack.gatewayUrl, certA.cert, { method: 'POST', headers: JSON_HEADERS, body: USER_QUERY });

    // Assert
    expect(stack.gatewayUrl.startsWith('https://')).toBe(true);
    expect(res.status).toBe(200);
    expect((JSON.parse(res.text) as { data: unknown }).data).toEqual({ user: { id: '7' } });
    expect(res.headers['strict-transport-security']).toBe('max-age=600');
  });

  it('when a client negotiates h2, then the same port serves the operation over HTTP/2', async () => {
    // Act
    const res = await http2Request(stack.gatewayUrl, certA.cert, { method: 'POST', headers: JSON_HEADERS, body: USER_QUERY });

    // Assert
    expect(res.alpn).toBe('h2');
    expect(res.status).toBe(200);
    expect((JSON.parse(res.text) as { data: unknown }).data).toEqual({ user: { id: '7' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('when a client offers only TLS 1.0/1.1, then the handshake is refused; TLS 1.2 is accepted', async () => {
    // Act
    const old = await handshake(stack.gatewayUrl, certA.cert, 'TLSv1', 'TLSv1.1');
    const current = await handshake(stack.gatewayUrl, certA.cert, 'TLSv1.2', 'TLSv1.2');

    // Assert
    expect(old).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(current).toBe('TLSv1.2');
  });

  it('when an HTTP/2 body is too large, then it gets 413 PAYLOAD_TOO_LARGE and the gateway keeps serving', async () => {
    // Act
    const tooLarge = await http2Request(stack.gatewayUrl, certA.cert, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: `{ user(id: "${'x'.repeat(4096)}") { id } }` }),
    });
    const after = await http2Request(stack.gatewayUrl.replace('/graphql', '/health'), certA.cert);

    // Assert
    expect(tooLarge.status).toBe(413);
    expect((JSON.parse(tooLarge.text) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(after.status).toBe(200);
  });

  it('when the certificate files are replaced, then new connections get the new certificate without a restart', async () => {
    // Arrange
    const certB = await localhostCert();
    expect(await peerFingerprint(stack.gatewayUrl, certA.cert)).toBe(fingerprint(certA));

    // Act
    writePair(files.dir, certB);
    let outcome = await events.next();
    // A watcher may fire between the key and the certificate renames: wait for the reload that succeeds.
    while (outcome.status === 'failed') outcome = await events.next();

    // Assert
    expect(outcome).toEqual({ status: 'reloaded', fingerprint256: fingerprint(certB) });
    expect(await peerFingerprint(stack.gatewayUrl, certB.cert)).toBe(fingerprint(certB));
    const res = await httpsRequest(stack.gatewayUrl, certB.cert, { method: 'POST', headers: JSON_HEADERS, body: USER_QUERY });
    expect(res.status).toBe(200);
    certA = certB;
  });

  it('when the new key does not match the certificate, then the reload fails and the current certificate stays served', async () => {
    // Arrange
    const other = await localhostCert();

    // Act
    writeFileSync(path.join(files.dir, 'key.pem'), other.key);
    const outcome = await events.next();

    // Assert
    expect(outcome.status).toBe('failed');
    expect(await peerFingerprint(stack.gatewayUrl, certA.cert)).toBe(fingerprint(certA));
    const res = await httpsRequest(stack.gatewayUrl, certA.cert, { method: 'POST', headers: JSON_HEADERS, body: USER_QUERY });
    expect(res.status).toBe(200);
  });
});

describe('TLS_MIN_VERSION', () => {
  it('when it is TLSv1.3, then a TLS 1.2 client is refused, also after a certificate reload', async () => {
    // Arrange
    const files = tempDir();
    const events = reloads();
    const cert = await localhostCert();
    const { certFile, keyFile } = writePair(files.dir, cert);
    const stack = await startStack({
      subgraphs: [],
      env: { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_MIN_VERSION: 'TLSv1.3', TLS_RELOAD_DEBOUNCE_MS: '50' },
      gatewayDeps: { onCertificateReload: events.listener },
    });
    try {
      const next = await localhostCert();
      writePair(files.dir, next);
      let outcome = await events.next();
      while (outcome.status === 'failed') outcome = await events.next();

      // Act
      const tls12 = await handshake(stack.gatewayUrl, next.cert, 'TLSv1.2', 'TLSv1.2');
      const tls13 = await handshake(stack.gatewayUrl, next.cert, 'TLSv1.3', 'TLSv1.3');

      // Assert
      expect(outcome.status).toBe('reloaded');
      expect(tls12).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      expect(tls13).toBe('TLSv1.3');
    } finally {
      await stack.stop();
      files.cleanup();
    }
  });
});

describe('HTTPS graceful shutdown', () => {
  it('when stop() is called with HTTP/1.1 and HTTP/2 requests in flight, then both complete and the port closes', async () => {
    // Arrange
    const files = tempDir();
    const cert = await localhostCert();
    const { certFile, keyFile } = writePair(files.dir, cert);
    const stack = await startStack({ subgraphs: ['users'], latencyMs: 400, env: { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } });
    try {
      const users = stack.subgraphs.users!;
      const before = users.requests.length;
      // Two different users, so in-flight dedup cannot merge the two subgraph calls.
      const h1 = httpsRequest(stack.gatewayUrl, cert.cert, { method: 'POST', headers: JSON_HEADERS, body: USER_QUERY });
      const h2 = http2Request(stack.gatewayUrl, cert.cert, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ query: '{ user(id: "8") { id } }' }) });
      // In flight means the gateway is waiting on the subgraph (400 ms) for both: a fixed 100 ms
      // sleep was sometimes too short on a loaded machine, and stop() then closed a connection
      // whose request had not arrived yet.
      await until(() => users.requests.length >= before + 2, 'both requests at the users subgraph');

      // Act
      await stack.gateway.stop();

      // Assert
      expect((await h1).status).toBe(200);
      expect((await h2).status).toBe(200);
      await expect(peerFingerprint(stack.gatewayUrl, cert.cert)).rejects.toThrow();
    } finally {
      await stack.stop();
      files.cleanup();
    }
  });
});
