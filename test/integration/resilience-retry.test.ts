import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy';
import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const WISHLIST_QUERY = '{ user(id: "1") { id wishlist { count } } }';
const ADD_TO_WISHLIST = 'mutation { addToWishlist(userId: "1", sku: "SKU-001", name: "Lamp") { count } }';

/** users direct, wishlist behind a proxy that fails on demand. */
async function stackBehindProxy(env: Record<string, string>): Promise<{ stack: Stack; proxy: FlakyProxy }> {
  const proxy = await startFlakyProxy();
  const stack = await startStack({ subgraphs: ['users', 'wishlist'], env: { SUBGRAPH_URL_WISHLIST: proxy.url, ...env } });
  proxy.targetUrl = stack.subgraphs.wishlist!.url;
  return { stack, proxy };
}

describe('retries of a flaky subgraph', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  beforeAll(async () => {
    ({ stack, proxy } = await stackBehindProxy({
      SUBGRAPH_RETRY_MAX: '2',
      SUBGRAPH_RETRY_BASE_DELAY_MS: '5',
      CIRCUIT_BREAKER_ENABLED: 'false',
    }));
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });
  beforeEach(() => {
    stack.clearRecordedRequests();
    proxy.received.length = 0;
    proxy.heal();
  });

  it('when a query fetch gets 503 twice, then it is retried and the client gets the whole answer', async () => {
    proxy.failNext(2);

    const res = await stack.query(WISHLIST_QUERY);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', wishlist: { count: expect.any(Number) } } });
    expect(proxy.received).toHaveLength(3);
    expect(stack.subgraphs.wishlist?.requests).toHaveLength(1);
  });

  it('when a query fetch keeps failing, then it is tried 1 + SUBGRAPH_RETRY_MAX times and its part is SUBGRAPH_UNAVAILABLE', async () => {
    proxy.failAll();

    const res = await stack.query(WISHLIST_QUERY);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', wishlist: null } });
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' });
    expect(proxy.received).toHaveLength(3);
  });

  it('when the subgraph answers 503 with Retry-After: 1, then the retry waits at least that long', async () => {
    proxy.failNext(1, { status: 503, headers: { 'retry-after': '1' } });

    const res = await stack.query(WISHLIST_QUERY);

    expect(res.body.errors).toBeUndefined();
    expect(proxy.received).toHaveLength(2);
    expect(proxy.received[1]! - proxy.received[0]!).toBeGreaterThanOrEqual(950);
  });

  it('when a mutation fetch gets 503, then it is sent exactly once and fails with SUBGRAPH_UNAVAILABLE', async () => {
    proxy.failNext(1);

    // The owner adds to their own wishlist: the mutation is allowed and reaches the (failing) proxy.
    const res = await stack.query(ADD_TO_WISHLIST, {}, await bearer('1'));

    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' });
    expect(proxy.received).toHaveLength(1);
    expect(stack.subgraphs.wishlist?.requests).toHaveLength(0);
  });

  it('when the error is not transient (400), then the query is not retried', async () => {
    proxy.failNext(1, { status: 400, body: '{"errors":[{"message":"bad"}]}' });

    await stack.query(WISHLIST_QUERY);

    expect(proxy.received).toHaveLength(1);
  });
});

describe('the retry budget', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  beforeAll(async () => {
    // No percentage, a floor of 2 retries per window: at most 2 retries, however many calls fail.
    ({ stack, proxy } = await stackBehindProxy({
      SUBGRAPH_RETRY_MAX: '3',
      SUBGRAPH_RETRY_BASE_DELAY_MS: '1',
      SUBGRAPH_RETRY_BUDGET_PERCENT: '0',
      SUBGRAPH_RETRY_BUDGET_MIN: '2',
      SUBGRAPH_RETRY_BUDGET_WINDOW_MS: '60000',
      CIRCUIT_BREAKER_ENABLED: 'false',
    }));
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });

  it('when a subgraph is down, then retries stop once the budget is spent and load stays ~1 request per call', async () => {
    proxy.failAll();

    for (let i = 0; i < 5; i += 1) {
      const res = await stack.query(WISHLIST_QUERY);
      expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' });
    }

    // 5 first attempts + the 2 budgeted retries, not 5 × (1 + 3).
    expect(proxy.received).toHaveLength(7);
  });
});

describe('per-subgraph timeout', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users', 'wishlist', 'reviews'],
      latencyMs: { wishlist: 1500 },
      env: { SUBGRAPH_TIMEOUT_MS: '5000', SUBGRAPH_TIMEOUT_MS_WISHLIST: '200' },
    });
  });
  afterAll(() => stack?.stop());

  it('when one subgraph is slower than its own SUBGRAPH_TIMEOUT_MS_<NAME>, then only its part is SUBGRAPH_TIMEOUT', async () => {
    const res = await stack.query('{ user(id: "1") { id wishlist { count } reviewStats { count } } }');

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', wishlist: null, reviewStats: { count: expect.any(Number) } } });
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'wishlist' } })]);
  });
});
