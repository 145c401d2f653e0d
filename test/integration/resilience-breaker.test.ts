import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy';
import { startStack, type Stack } from '../helpers/stack';

const QUERY = '{ user(id: "1") { id wishlist { count } } }';
const RESET_MS = 400;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readiness(stack: Stack): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const res = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/ready'));
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
}

/** Polls until `check` holds: opossum's half-open transition runs on its own timer. */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

async function stackBehindProxy(env: Record<string, string>): Promise<{ stack: Stack; proxy: FlakyProxy }> {
  const proxy = await startFlakyProxy();
  const stack = await startStack({
    subgraphs: ['users', 'wishlist'],
    env: {
      SUBGRAPH_URL_WISHLIST: proxy.url,
      SUBGRAPH_RETRY_MAX: '0',
      CIRCUIT_BREAKER_VOLUME_THRESHOLD: '3',
      CIRCUIT_BREAKER_ERROR_PERCENT: '50',
      CIRCUIT_BREAKER_RESET_MS: String(RESET_MS),
      ...env,
    },
  });
  proxy.targetUrl = stack.subgraphs.wishlist!.url;
  return { stack, proxy };
}

describe('the circuit breaker of a subgraph', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  beforeAll(async () => {
    ({ stack, proxy } = await stackBehindProxy({}));
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });

  it('when it fails past the threshold, then the circuit opens, fails fast, and the rest is still served', async () => {
    // Arrange: a healthy call first, so the breaker exists and is closed.
    expect((await stack.query(QUERY)).body.errors).toBeUndefined();
    expect(stack.gateway.getBreakerStates()).toMatchObject({ wishlist: 'closed', users: 'closed' });
    proxy.failAll();

    // Act: failures until the failure rate over the window crosses 50 % with ≥ 3 calls.
    for (let i = 0; i < 3; i += 1) await stack.query(QUERY);
    expect(stack.gateway.getBreakerStates().wishlist).toBe('open');
    const sentBefore = proxy.received.length;
    const res = await stack.query(QUERY);

    // Assert: no request reached the subgraph; its part is null with SUBGRAPH_UNAVAILABLE; HTTP 200.
    expect(proxy.received.length).toBe(sentBefore);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', wishlist: null } });
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' } })]);
  });

  it('when a circuit is open and the policy is the default, then /ready reports it and stays 200', async () => {
    const ready = await readiness(stack);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.circuits).toBe('degraded: circuit wishlist open');
  });

  it('when the reset time passes and the probe fails, then the circuit goes half-open and opens again', async () => {
    await eventually(() => stack.gateway.getBreakerStates().wishlist === 'half-open');
    const sentBefore = proxy.received.length;

    await stack.query(QUERY);

    expect(proxy.received.length).toBe(sentBefore + 1);
    expect(stack.gateway.getBreakerStates().wishlist).toBe('open');
  });

  it('when the subgraph recovers, then the next probe closes the circuit and answers are whole again', async () => {
    proxy.heal();
    await eventually(() => stack.gateway.getBreakerStates().wishlist === 'half-open');

    const probe = await stack.query(QUERY);

    expect(probe.body.errors).toBeUndefined();
    expect(stack.gateway.getBreakerStates().wishlist).toBe('closed');
    expect((await stack.query(QUERY)).body.data).toEqual({ user: { id: '1', wishlist: { count: expect.any(Number) } } });
    expect((await readiness(stack)).body.checks.circuits).toBe('ok');
  });
});

describe('when CIRCUIT_BREAKER_OPEN_NOT_READY=true', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  beforeAll(async () => {
    ({ stack, proxy } = await stackBehindProxy({ CIRCUIT_BREAKER_OPEN_NOT_READY: 'true', CIRCUIT_BREAKER_RESET_MS: '60000' }));
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });

  it('when a circuit is open, then /ready answers 503 naming it', async () => {
    proxy.failAll();
    for (let i = 0; i < 3; i += 1) await stack.query(QUERY);

    const ready = await readiness(stack);

    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not ready', checks: { circuits: 'circuit wishlist open' } });
  });
});
