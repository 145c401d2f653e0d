import { Redis } from 'ioredis';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy';
import { startStack, testRedisUrl, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

/** `user` comes from users, `wishlist` from wishlist: both give hints (User: max-age 300, PRIVATE). */
const QUERY = 'query Wish($id: ID!) { user(id: $id) { id name wishlist { count } } }';

describe('the response cache stores only what subgraphs said may be cached, and never an error', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  let redis: Redis;
  const keyPrefix = uniqueKeyPrefix();
  const storedResponses = async () => (await redis.keys(`${keyPrefix}cache:response:*`)).length;

  beforeAll(async () => {
    // The subgraph's Cache-Control must reach the gateway through the proxy: it is the hint.
    proxy = await startFlakyProxy(undefined, { forwardResponseHeaders: true });
    stack = await startStack({
      subgraphs: ['users', 'wishlist'],
      redis: { keyPrefix },
      env: { SUBGRAPH_URL_WISHLIST: proxy.url, SUBGRAPH_RETRY_MAX: '0', CIRCUIT_BREAKER_ENABLED: 'false' },
    });
    proxy.targetUrl = stack.subgraphs.wishlist!.url;
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
    await proxy?.stop();
  });

  it('when an answer needed no subgraph at all (no hint), then nothing is stored and no public max-age is sent', async () => {
    const first = await stack.query('{ __typename }');
    const second = await stack.query('{ __typename }');

    expect(first.body).toMatchObject({ data: { __typename: 'Query' } });
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(second.headers.get('age')).toBeNull();
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(await storedResponses()).toBe(0);
  });

  it('when an answer has errors (a subgraph failed), then it is not stored, and the next good answer is fetched and stored', async () => {
    const caller = await bearer('31');
    proxy.failNext(1);

    const partial = await stack.query(QUERY, { id: '31' }, caller);
    const storedAfterPartial = await storedResponses();
    stack.clearRecordedRequests();
    const whole = await stack.query(QUERY, { id: '31' }, caller);
    const usersCallsForWhole = stack.subgraphs.users?.requests.length;
    const cached = await stack.query(QUERY, { id: '31' }, caller);

    expect(partial.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
    expect(partial.headers.get('cache-control')).toBe('no-store');
    expect(storedAfterPartial).toBe(0);
    expect(whole.body.errors).toBeUndefined();
    expect(whole.headers.get('age')).toBeNull();
    expect(usersCallsForWhole).toBe(1);
    expect(cached.headers.get('age')).not.toBeNull();
    expect(cached.body.data).toEqual(whole.body.data);
    expect(await storedResponses()).toBe(1);
  });
});

describe('mutations are never cacheable', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'orders'] });
  });
  afterAll(() => stack?.stop());

  it('when a mutation returns a type its subgraph hints as cacheable (Order: max-age 300), then the answer is sent no-store', async () => {
    const caller = await bearer('33', 'orders:read');

    const res = await stack.query('mutation Place { placeOrder(input: { items: [{ sku: "SKU-001", quantity: 1 }] }) { id status } }', {}, caller);

    expect(res.body.errors).toBeUndefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
