import { readdirSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { startGatewayProcess, type GatewayProcess } from '../fuzz/gateway-process';
import { runWsSession } from '../fuzz/send-ws';
import type { WsHandshake, WsObservation } from '../fuzz/ws-probe';
import { sample } from '../helpers/prometheus';
import { rawSocket } from '../helpers/raw-ws';
import { startStack, subgraphUrlEnv, type Stack } from '../helpers/stack';
import { multipartSubscribe } from '../helpers/stream-clients';
import { upstreamsLive } from '../helpers/subscription-fixtures';
import { until } from '../helpers/ws-client';

/**
 * What the request and WebSocket fuzz found at the edges of the subscription doors, one case each:
 * every one was a 500, a 4500 close, an unanswered or never-closed connection, or a subscription
 * left open after its client had gone.
 */
describe('subscription doors at the edges of the protocols', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'reviews'], env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(() => stack.stop());
  afterEach(() => upstreamsLive(stack.subgraphs.reviews, 0));

  const codeOf = (errors: unknown): unknown => (errors as Array<{ extensions?: { code?: unknown } }> | undefined)?.[0]?.extensions?.code;

  describe('@skip or @include on the root field of a subscription', () => {
    const CASES: Array<[string, string, Record<string, unknown>]> = [
      ['a variable', 'subscription S($s: Boolean!) { reviewAdded @skip(if: $s) { id } }', { s: false }],
      ['a literal true', 'subscription { reviewAdded @skip(if: true) { id } }', {}],
      ['no argument', 'subscription { reviewAdded @include { id } }', {}],
      ['a fragment that holds the field', 'subscription { ...F @include(if: true) } fragment F on Subscription { reviewAdded { id } }', {}],
    ];

    it.each(CASES)('when it comes with %s over multipart, then it is refused with 400 GRAPHQL_VALIDATION_FAILED', async (_case, query, variables) => {
      const sub = await multipartSubscribe(stack.gatewayUrl, query, {}, variables);

      expect(sub.status).toBe(400);
      expect(codeOf(sub.refusal?.errors)).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('when it comes over SSE, then the stream carries GRAPHQL_VALIDATION_FAILED and completes (graphql-sse retries any non-2xx)', async () => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: CASES[0]![1], variables: CASES[0]![2] }),
      });
      const body = await res.text();

      expect(res.status).toBe(200);
      expect(body).toContain('"code":"GRAPHQL_VALIDATION_FAILED"');
      expect(body).toContain('event: complete');
    });

    it('when it comes over the WebSocket, then that operation gets an error message with GRAPHQL_VALIDATION_FAILED and the socket stays open', async () => {
      const socket = await rawSocket(stack.gatewayUrl);
      await socket.init();

      socket.send({ id: 'skip', type: 'subscribe', payload: { query: CASES[0]![1], variables: CASES[0]![2] } });
      socket.send({ id: 'true', type: 'subscribe', payload: { query: CASES[1]![1] } });
      await socket.waitFor((m) => m.filter((x) => x.type === 'error').length === 2, 'two error messages');

      const errors = socket.messages.filter((x) => x.type === 'error');
      expect(errors.map((x) => [x.id, codeOf(x.payload)])).toEqual([
        ['skip', 'GRAPHQL_VALIDATION_FAILED'],
        ['true', 'GRAPHQL_VALIDATION_FAILED'],
      ]);
      expect(socket.ws.readyState).toBe(socket.ws.OPEN);
      socket.ws.close();
    });
  });

  it.each(['connection_ack', 'next', 'error'])('when the client sends a %s message (one only a server sends), then the socket is closed with 4400, not 4500', async (type) => {
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();

    socket.send({ type, id: '1', payload: type === 'error' ? [{ message: 'x' }] : {} });

    expect(await socket.closeCode()).toBe(4400);
  });

  it('when a subscription id longer than a close reason is reused while open, then the socket is closed with 4409, not 4500', async () => {
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    const id = 'i'.repeat(200);

    socket.send({ id, type: 'subscribe', payload: { query: 'subscription { reviewAdded { id } }' } });
    socket.send({ id, type: 'subscribe', payload: { query: 'subscription { reviewAdded { id } }' } });

    expect(await socket.closeCode()).toBe(4409);
  });

  it('when the upgrade request accepts multipart @defer, then a @defer query over the socket still gets its whole result', async () => {
    const socket = await rawSocket(stack.gatewayUrl, 'graphql-transport-ws', { accept: 'multipart/mixed;deferSpec=20220824' });
    await socket.init();

    socket.send({ id: 'd', type: 'subscribe', payload: { query: '{ user(id: "1") { id ... @defer { name } } }' } });
    await socket.waitFor((m) => m.some((x) => x.type === 'complete' || x.type === 'error'), 'the end of the operation');

    expect(socket.messages.filter((x) => x.id === 'd').map((x) => x.type)).toEqual(['next', 'complete']);
    expect(socket.messages.find((x) => x.type === 'next')?.payload).toMatchObject({ data: { user: { id: '1', name: expect.any(String) } } });
    socket.ws.close();
  });

  it('when a client completes an id and subscribes with it again at once, then one subscription runs, and none is left once the socket closes', async () => {
    // Arrange
    const socket = await rawSocket(stack.gatewayUrl);
    await socket.init();
    const query = 'subscription { reviewAdded { id } }';

    // Act: all three in one go, while the first is still being prepared.
    socket.send({ id: 'x', type: 'subscribe', payload: { query } });
    socket.send({ id: 'x', type: 'complete' });
    socket.send({ id: 'x', type: 'subscribe', payload: { query } });
    await upstreamsLive(stack.subgraphs.reviews, 1);
    await new Promise((r) => setTimeout(r, 300));
    const whileOpen = await activeSubscriptions();
    socket.ws.close();

    // Assert
    expect(whileOpen).toBe(1);
    await until(async () => (await activeSubscriptions()) === 0, 'no open subscription', 5_000);
  });

  describe('upgrade requests', () => {
    it('when an upgrade asks for another protocol than websocket (curl --http2 sends Upgrade: h2c), then it is refused with 400 BAD_REQUEST in JSON', async () => {
      const seen = await handshake({ method: 'POST', headers: ['upgrade: h2c', 'connection: Upgrade, HTTP2-Settings', 'content-length: 2'], body: '{}' });

      expect(seen.answer?.status).toBe(400);
      expect(codeOf((JSON.parse(seen.answer?.body ?? '{}') as { errors?: unknown }).errors)).toBe('BAD_REQUEST');
    });

    it('when a WebSocket upgrade comes as a POST, then it is refused with 405 METHOD_NOT_ALLOWED and allow: GET', async () => {
      const seen = await handshake({ method: 'POST', headers: websocketHeaders() });

      expect(seen.answer?.status).toBe(405);
      expect(seen.answer?.headers.get('allow')).toBe('GET');
      expect(codeOf((JSON.parse(seen.answer?.body ?? '{}') as { errors?: unknown }).errors)).toBe('METHOD_NOT_ALLOWED');
    });

    it('when a refused client keeps its side of the connection open, then the gateway closes its own within seconds', async () => {
      // Arrange
      const before = openSockets();

      // Act: ten clients read the refusal and never hang up.
      const clients = await Promise.all(Array.from({ length: 10 }, () => rawRequest(stack.gatewayUrl, upgradeRequest('/elsewhere'))));
      await new Promise((r) => setTimeout(r, 6_000));
      const added = openSockets() - before;
      for (const client of clients) client.destroy();

      // Assert: the clients' own ten sockets, none of the gateway's.
      expect(added).toBeLessThanOrEqual(10);
    }, 15_000);
  });

  async function handshake(h: Partial<WsHandshake>): Promise<WsObservation> {
    const { origin } = new URL(stack.gatewayUrl);
    return runWsSession(origin, {
      kind: 'ws',
      handshake: { method: 'GET', path: '/graphql', httpVersion: '1.1', body: '', expect: 'either', offersProtocol: true, ...h, headers: ['host: 127.0.0.1', ...(h.headers ?? [])] },
      steps: [],
      end: 'drop',
    });
  }

  async function activeSubscriptions(): Promise<number> {
    return sample(await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text(), 'frontdoor_subscriptions_active', { protocol: 'ws', subgraph: 'reviews' }) ?? 0;
  }
});

describe('refused upgrades on a gateway process', () => {
  let users: SubgraphHandle;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    users = await startSubgraph(createSubgraph('users'), { logLevel: 'silent' });
    gateway = await startGatewayProcess(subgraphUrlEnv({ users }));
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await users?.stop();
  });

  it('when clients reset their connections while their upgrades are refused, then the process stays up', async () => {
    // Act: the reset reaches the gateway as it writes its refusal (an 'error' on a socket node had stopped guarding).
    for (let i = 0; i < 30; i += 1) {
      const socket = await rawRequest(gateway.origin, upgradeRequest('/elsewhere'));
      socket.resetAndDestroy();
    }
    await new Promise((r) => setTimeout(r, 500));

    // Assert
    expect(gateway.exit).toBeUndefined();
    expect((await fetch(`${gateway.origin}/health`)).status).toBe(200);
    expect(gateway.errorLines).toEqual([]);
  });
});

describe('upgrade requests with subscriptions off', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], env: { SUBSCRIPTIONS_ENABLED: 'false' } });
  });
  afterAll(() => stack.stop());

  it('when a WebSocket upgrade arrives, then it is answered 404 NOT_FOUND in JSON (no door claims it)', async () => {
    const { origin } = new URL(stack.gatewayUrl);
    const seen = await runWsSession(origin, {
      kind: 'ws',
      handshake: { method: 'GET', path: '/graphql', httpVersion: '1.1', headers: ['host: 127.0.0.1', ...websocketHeaders()], body: '', expect: 'refuse', offersProtocol: true },
      steps: [],
      end: 'drop',
    });

    expect(seen.answer?.status).toBe(404);
    expect(JSON.parse(seen.answer?.body ?? '{}')).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }] });
  });

  it('when an upgrade request carries malformed chunks, then it is answered at once instead of waiting for the body', async () => {
    const { port } = new URL(stack.gatewayUrl);
    const started = Date.now();

    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\nupgrade: websocket\r\nconnection: upgrade\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`),
      );
      let text = '';
      const giveUp = setTimeout(() => socket.destroy(), 5_000);
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => {
        clearTimeout(giveUp);
        resolve(text);
      });
      socket.on('error', () => undefined);
    });

    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

/** A WebSocket upgrade request to `path`, as bytes. */
function upgradeRequest(path: string): string {
  return `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${websocketHeaders().join('\r\n')}\r\n\r\n`;
}

/** A TCP connection that has written `bytes`; what comes back is left unread. */
async function rawRequest(origin: string, bytes: string): Promise<net.Socket> {
  const { port } = new URL(origin);
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(bytes);
  return socket;
}

function websocketHeaders(): string[] {
  return ['upgrade: websocket', 'connection: Upgrade', 'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version: 13', 'sec-websocket-protocol: graphql-transport-ws'];
}

/** TCP sockets this process holds (the in-process gateway's included). */
function openSockets(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}
