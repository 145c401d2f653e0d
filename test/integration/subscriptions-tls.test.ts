import { connect as h2Connect } from 'node:http2';
import { localhostCert, tempDir, writePair, type Pem } from '../helpers/certs';
import { postGraphQL, startStack, type Stack } from '../helpers/stack';
import { MULTIPART_ACCEPT } from '../helpers/stream-clients';
import { upstreamsLive } from '../helpers/subscription-fixtures';
import { identityHeaders } from '../helpers/tokens';
import { subscribe, until, wsClient } from '../helpers/ws-client';

const REVIEWS = 'subscription { reviewAdded(productSku: "SKU-011") { productSku rating } }';

/** With TLS on, WebSockets ride the listener's HTTP/1.1 connections and multipart streams work over HTTP/2; stop() ends both. */
describe('subscriptions over TLS (wss, and multipart over HTTP/2)', () => {
  const files = tempDir();
  let cert: Pem;
  let stack: Stack;

  beforeAll(async () => {
    cert = await localhostCert();
    const { certFile, keyFile } = writePair(files.dir, cert);
    stack = await startStack({ subgraphs: ['users', 'reviews'], env: { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } });
  });
  afterAll(async () => {
    await stack.stop();
    files.cleanup();
  });

  it('when clients subscribe over wss and HTTP/2 multipart, then both get the event, and stop() closes the socket with 1001 and ends the stream', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl, { ca: cert.cert });
    const ws = subscribe(client, { query: REVIEWS });
    const session = h2Connect(new URL(stack.gatewayUrl).origin, { ca: cert.cert });
    session.on('error', () => undefined);
    const h2 = session.request({ ':method': 'POST', ':path': '/graphql', 'content-type': 'application/json', accept: MULTIPART_ACCEPT });
    let body = '';
    let ended = false;
    h2.setEncoding('utf8');
    h2.on('data', (chunk: string) => (body += chunk));
    h2.on('end', () => (ended = true));
    h2.on('error', () => undefined);
    h2.end(JSON.stringify({ query: REVIEWS }));
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    // Straight to the subgraph (as the gateway would call it): this test's fetch does not trust the test CA.
    await postGraphQL(stack.subgraphs.reviews!.url, { query: 'mutation { addReview(input: { productSku: "SKU-011", rating: 1, body: "no" }) { id } }' }, identityHeaders('61'));
    const [event] = await ws.results(1);
    await until(() => body.includes('"payload":{"data"'), 'the event on the HTTP/2 stream');
    await stack.gateway.stop();

    // Assert
    expect(event?.data).toEqual({ reviewAdded: { productSku: 'SKU-011', rating: 1 } });
    await ws.ended();
    expect(ws.error?.closeCode).toBe(1001);
    await until(() => ended, 'the HTTP/2 stream to end');
    expect(body).toContain('SERVER_SHUTTING_DOWN');
    expect(body.endsWith('--graphql--\r\n')).toBe(true);
    session.close();
    await client.dispose();
  });
});
