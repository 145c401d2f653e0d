import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph } from '../../subgraphs/shared/server';
import { freePort } from '../helpers/ports';
import { sample } from '../helpers/prometheus';
import { startStack, type Stack } from '../helpers/stack';
import { multipartSubscribe } from '../helpers/stream-clients';
import { ORDER_STATUS, upstreamsLive } from '../helpers/subscription-fixtures';
import { bearer } from '../helpers/tokens';
import { subscribe, until, wsClient } from '../helpers/ws-client';

const ROOT = path.resolve(__dirname, '../..');
const REVIEWS = 'subscription { reviewAdded { id rating } }';

/** How subscriptions end: token expiry, a new supergraph, a lost subgraph. Each with its code, nothing left hanging. */
describe('subscription lifecycle', () => {
  let stack: Stack;
  let supergraphFile: string;

  beforeAll(async () => {
    supergraphFile = path.join(mkdtempSync(path.join(tmpdir(), 'frontdoor-subs-')), 'supergraph.graphql');
    copyFileSync(path.join(ROOT, 'supergraph.graphql'), supergraphFile);
    stack = await startStack({
      subgraphs: ['users', 'reviews'],
      env: { SUPERGRAPH_PATH: supergraphFile, SUPERGRAPH_WATCH: 'true', AUTH_CLOCK_TOLERANCE_S: '0', SUBSCRIPTION_AUTH_RECHECK_MS: '500' },
    });
  });
  afterAll(() => stack.stop());

  it('when the token expires, then its subscription ends with UNAUTHENTICATED within 5 s', async () => {
    // Arrange
    const auth = await bearer('41', '', { exp: Math.floor(Date.now() / 1000) + 2 });
    const client = wsClient(stack.gatewayUrl, { connectionParams: auth });
    const sub = subscribe(client, { query: REVIEWS });
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    await sub.ended(7_000);

    // Assert
    expect(sub.error?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await upstreamsLive(stack.subgraphs.reviews, 0);
    await client.dispose();
  });

  it('when a new supergraph is loaded, then open subscriptions end with SUBSCRIPTION_SCHEMA_CHANGED', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl);
    const ws = subscribe(client, { query: REVIEWS });
    const multipart = await multipartSubscribe(stack.gatewayUrl, REVIEWS);
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    appendFileSync(supergraphFile, '\n# recomposed\n');
    await ws.ended();
    await multipart.waitFor((s) => s.closed, 'the multipart stream to close');

    // Assert
    expect(ws.error?.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_SCHEMA_CHANGED');
    expect(multipart.parts.at(-1)).toEqual({ payload: null, errors: [expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_SCHEMA_CHANGED' } })] });
    await upstreamsLive(stack.subgraphs.reviews, 0);
    await client.dispose();
  });

  it('when the subgraph goes away, then the subscription gets SUBGRAPH_UNAVAILABLE and ends', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl);
    const sub = subscribe(client, { query: REVIEWS });
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    await stack.stopSubgraph('reviews');
    await sub.ended();

    // Assert
    expect(sub.error?.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews' });
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(sample(metrics, 'frontdoor_subscriptions_closed_total', { reason: 'subgraph_unavailable' })).toBe(1);
    expect(sample(metrics, 'frontdoor_subscriptions_active', { protocol: 'ws', subgraph: 'reviews' })).toBe(0);
    await client.dispose();
  });
});

/** Reject-mode authorization, cost and the global rate limit apply when a subscription starts. */
describe('subscription start checks', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['orders', 'payments'], env: { AUTHZ_MODE: 'reject', COST_MAX: '1', RATE_LIMIT_PER_MINUTE: '2' } });
  });
  afterAll(() => stack.stop());

  it('when an anonymous caller subscribes to an @authenticated field in reject mode, then it is refused with UNAUTHENTICATED', async () => {
    const client = wsClient(stack.gatewayUrl);
    const sub = subscribe(client, { query: 'subscription { orderStatusChanged { id } }' });
    await sub.ended();
    expect(sub.error?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await client.dispose();
  });

  it('when the subscription costs more than COST_MAX, then it is refused with COST_ESTIMATED_TOO_EXPENSIVE', async () => {
    const client = wsClient(stack.gatewayUrl, { connectionParams: await bearer('42', 'payments:read') });
    const sub = subscribe(client, { query: ORDER_STATUS });
    await sub.ended();
    expect(sub.error?.errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
    await client.dispose();
  });

  it('when a caller starts more operations than RATE_LIMIT_PER_MINUTE, then the next subscription is RATE_LIMITED', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl, { connectionParams: await bearer('43') });
    const first = subscribe(client, { query: 'subscription { orderStatusChanged { id } }' });
    const second = subscribe(client, { query: 'subscription { orderStatusChanged { status } }' });
    await upstreamsLive(stack.subgraphs.orders, 2);

    // Act
    const third = subscribe(client, { query: 'subscription { orderStatusChanged { total } }' });
    await third.ended();

    // Assert
    expect(third.error?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect([first.error, second.error]).toEqual([undefined, undefined]);
    await client.dispose();
  });
});

describe('gateway process on SIGTERM with open subscriptions', () => {
  it('when SIGTERM arrives, then WebSockets are closed with 1001, HTTP streams end with SERVER_SHUTTING_DOWN, and the process exits 0', async () => {
    // Arrange
    const reviews = await startSubgraph(createSubgraph('reviews'), { logLevel: 'silent' });
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', REDIS_URL: '', SUBGRAPH_URL_REVIEWS: reviews.url, SHUTDOWN_GRACE_MS: '3000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    try {
      const url = `http://127.0.0.1:${port}/graphql`;
      await until(() => stdout.includes('gateway ready'), 'the gateway to start', 30_000);
      const client = wsClient(url);
      const ws = subscribe(client, { query: REVIEWS });
      const multipart = await multipartSubscribe(url, REVIEWS);
      await until(() => reviews.openSubscriptions() === 1, 'the upstream to be live');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

      // Act
      child.kill('SIGTERM');
      const code = await exited;

      // Assert
      expect(code).toBe(0);
      await ws.ended();
      expect(ws.error?.closeCode).toBe(1001);
      await multipart.waitFor((s) => s.closed, 'the multipart stream to close');
      expect(multipart.parts.at(-1)).toEqual({ payload: null, errors: [expect.objectContaining({ extensions: { code: 'SERVER_SHUTTING_DOWN' } })] });
      expect(stdout).toContain('"reason":"shutdown"');
      await client.dispose();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await reviews.stop();
    }
  });
});
