import { request } from 'node:http';
import { signIdentity, DEV_IDENTITY_SECRET } from '../../subgraphs/shared/identity';
import { sample } from '../helpers/prometheus';
import { rawSocket } from '../helpers/raw-ws';
import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { upstreamsLive } from '../helpers/subscription-fixtures';
import { subscribe, until, wsClient } from '../helpers/ws-client';

const REVIEWS = 'subscription { reviewAdded { id rating } }';

/** Caps, WebSocket limits and every bad message: each refused with its code, the gateway serving on. */
describe('subscription limits and bad messages', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users', 'reviews'],
      env: {
        SUBSCRIPTIONS_MAX_PER_CALLER: '2',
        SUBSCRIPTIONS_MAX_PER_CONNECTION: '1',
        SUBSCRIPTION_MAX_BACKLOG: '2',
        WS_CONNECTION_INIT_TIMEOUT_MS: '300',
        WS_MAX_MESSAGE_BYTES: '4096',
        RATE_LIMIT_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(() => stack.stop());
  afterEach(() => upstreamsLive(stack.subgraphs.reviews, 0));

  it('when a caller opens more subscriptions than SUBSCRIPTIONS_MAX_PER_CALLER, then the next one is refused with SUBSCRIPTIONS_PER_CALLER_EXCEEDED', async () => {
    // Arrange
    const auth = await bearer('21');
    const clients = [0, 1, 2].map(() => wsClient(stack.gatewayUrl, { headers: auth }));
    const open = [subscribe(clients[0]!, { query: REVIEWS }), subscribe(clients[1]!, { query: REVIEWS })];
    await upstreamsLive(stack.subgraphs.reviews, 1);
    await until(async () => sample(await metricsText(), 'frontdoor_subscriptions_active', { protocol: 'ws' }) === 2, 'two open subscriptions');

    // Act
    const third = subscribe(clients[2]!, { query: REVIEWS });
    await third.ended();

    // Assert
    expect(third.error?.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTIONS_PER_CALLER_EXCEEDED');
    expect(open.every((s) => !s.completed && !s.error)).toBe(true);
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('when a connection opens more subscriptions than SUBSCRIPTIONS_MAX_PER_CONNECTION, then the next one is refused with SUBSCRIPTIONS_PER_CONNECTION_EXCEEDED', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl);
    const first = subscribe(client, { query: REVIEWS });
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    const second = subscribe(client, { query: 'subscription { reviewAdded { id } }' });
    await second.ended();

    // Assert
    expect(second.error?.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTIONS_PER_CONNECTION_EXCEEDED');
    expect(first.error).toBeUndefined();
    await client.dispose();
  });

  it('when a client stops reading, then its subscription ends with SUBSCRIPTION_BACKLOG_EXCEEDED instead of buffering', async () => {
    // Arrange
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    socket.send({ id: 'slow', type: 'subscribe', payload: { query: 'subscription { reviewAdded { body } }' } });
    await upstreamsLive(stack.subgraphs.reviews, 1);
    socket.pause();

    // Act: large events until the gateway gives up on this client (kernel buffers fill first)
    const body = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 120; i += 1) {
      await addReviewDirectly(stack, body);
      if (sample(await metricsText(), 'frontdoor_subscriptions_closed_total', { reason: 'backlog' }) === 1) break;
    }
    socket.resume();
    await socket.waitFor((m) => m.some((x) => x.type === 'error'), 'the error message', 20_000);

    // Assert
    const error = socket.messages.find((x) => x.type === 'error');
    expect(error).toMatchObject({ id: 'slow', payload: [{ extensions: { code: 'SUBSCRIPTION_BACKLOG_EXCEEDED' } }] });
    socket.ws.close();
  }, 60_000);

  it('when connection_init does not arrive within WS_CONNECTION_INIT_TIMEOUT_MS, then the socket is closed with 4408', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    expect(await socket.closeCode()).toBe(4408);
  });

  it('when a message is not valid JSON, then the socket is closed with 4400', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    socket.send('{not json');
    expect(await socket.closeCode()).toBe(4400);
  });

  it('when a message has an unknown type, then the socket is closed with 4400', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    socket.send({ type: 'launch', id: '1' });
    expect(await socket.closeCode()).toBe(4400);
  });

  it('when subscribe comes before connection_init, then the socket is closed with 4401', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    socket.send({ id: '1', type: 'subscribe', payload: { query: REVIEWS } });
    expect(await socket.closeCode()).toBe(4401);
  });

  it('when a subscription id is reused while open, then the socket is closed with 4409', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    socket.send({ id: 'same', type: 'subscribe', payload: { query: REVIEWS } });
    socket.send({ id: 'same', type: 'subscribe', payload: { query: REVIEWS } });
    expect(await socket.closeCode()).toBe(4409);
  });

  it('when a message is larger than WS_MAX_MESSAGE_BYTES, then the socket is closed with 1009', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    socket.send({ id: '1', type: 'subscribe', payload: { query: `{ __typename ${' '.repeat(5000)} }` } });
    expect(await socket.closeCode()).toBe(1009);
  });

  it('when the client offers no graphql-transport-ws subprotocol, then the socket is closed with 4406', async () => {
    const socket = await rawSocket(stack.gatewayUrl, null);
    expect(await socket.closeCode()).toBe(4406);
  });

  it('when an operation does not parse or validate, then it gets a coded error message and the socket stays open', async () => {
    // Arrange
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();

    // Act
    socket.send({ id: 'a', type: 'subscribe', payload: { query: 'subscription { noSuchField }' } });
    socket.send({ id: 'b', type: 'subscribe', payload: { query: 'mutation { launchRocket }' } });
    socket.send({ id: 'c', type: 'subscribe', payload: { query: 'subscription {' } });
    await socket.waitFor((m) => m.filter((x) => x.type === 'error').length === 3, 'three error messages');

    // Assert
    const codes = Object.fromEntries(socket.messages.filter((x) => x.type === 'error').map((x) => [x.id, (x.payload as Array<{ extensions: { code: string } }>)[0]?.extensions.code]));
    expect(codes).toEqual({ a: 'GRAPHQL_VALIDATION_FAILED', b: 'GRAPHQL_VALIDATION_FAILED', c: 'GRAPHQL_PARSE_FAILED' });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.close();
  });

  it.each([
    ['no Sec-WebSocket-Key', '/graphql', { 'sec-websocket-version': '13' }, 400, 'BAD_REQUEST'],
    ['an unsupported Sec-WebSocket-Version', '/graphql', { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '7' }, 400, 'BAD_REQUEST'],
    // `new URL()` threw on this target inside the 'upgrade' listener and ended the process.
    ['a request target that is not a URL', 'http://[', { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' }, 400, 'BAD_REQUEST'],
    ['a path other than /graphql', '/elsewhere', { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' }, 404, 'NOT_FOUND'],
  ])('when an upgrade has %s, then it is refused in JSON with its code, not an HTML page', async (_case, path, headers, status, code) => {
    // Act
    const answer = await rawUpgrade(stack.gatewayUrl, path, headers);

    // Assert
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect((JSON.parse(answer.body) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(code);
  });

  it('after every bad message, then the gateway still serves', async () => {
    const res = await stack.query('{ user(id: "1") { id } }');
    expect(res.body.data).toEqual({ user: { id: '1' } });
  });

  async function metricsText(): Promise<string> {
    return (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
  }
});

/** An upgrade request as a broken client sends it, and the raw answer (the socket never becomes a WebSocket). */
function rawUpgrade(gatewayUrl: string, path: string, headers: Record<string, string>): Promise<{ status: number; contentType: string; body: string }> {
  const { port } = new URL(gatewayUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'upgrade', upgrade: 'websocket', ...headers } });
    req.on('upgrade', () => reject(new Error('the gateway accepted the upgrade')));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A review straight into the reviews subgraph (as the gateway would send it), bypassing the gateway's rate limits. */
async function addReviewDirectly(stack: Stack, body: string): Promise<void> {
  const requestId = `rid-${Math.random()}`;
  const res = await fetch(stack.subgraphs.reviews!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, 'x-frontdoor-identity': signIdentity({ id: '30', scopes: [] }, requestId, DEV_IDENTITY_SECRET) },
    body: JSON.stringify({ query: 'mutation($b: String!) { addReview(input: { productSku: "SKU-001", rating: 3, body: $b }) { id } }', variables: { b: body } }),
  });
  if (!res.ok) throw new Error(`addReview answered ${res.status}`);
}
