import type { GatewayHandle } from '../../gateway/src/server';
import { postGraphQL, startExtraGateway, startStack, testRedisUrl, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

/** addReview is @authenticated and subgraphs check ownership: each caller reviews as themselves. */
const addReview = (userId: string) => `mutation { addReview(input: { userId: "${userId}", productSku: "SKU-001", rating: 5, body: "ok" }) { id } }`;

describe('rate limits: @rateLimit fields and the global per-caller limit, in Redis', () => {
  let stack: Stack;
  const keyPrefix = uniqueKeyPrefix();
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'reviews'], redis: { keyPrefix } });
  });
  afterAll(() => stack?.stop());

  it('when a field declared @rateLimit(limit: 5, duration: 60) is called a 6th time, then 429 RATE_LIMITED with Retry-After and RateLimit headers, and the subgraph is not called', async () => {
    // Arrange: five allowed calls that reach the subgraph, headers counting down
    const user1 = await bearer('1');
    for (let i = 1; i <= 5; i += 1) {
      const ok = await stack.query(addReview('1'), {}, user1);
      expect(ok.status).toBe(200);
      // Review ids are `r-<user>-<n>` (reviews/store.ts).
      expect(ok.body.data?.addReview).toEqual({ id: expect.stringMatching(/^r-1-\d+$/) });
      expect(ok.headers.get('ratelimit-limit')).toBe('5');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(5 - i));
    }
    stack.clearRecordedRequests();

    // Act
    const res = await stack.query(addReview('1'), {}, user1);

    // Assert
    expect(res.status).toBe(429);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', coordinate: 'Mutation.addReview' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expect(res.headers.get('ratelimit-policy')).toBe('5;w=60');
    expect(stack.subgraphs.reviews?.requests).toHaveLength(0);
  });

  it('when another caller uses the same field through another instance, then it has its own allowance and the first caller stays limited', async () => {
    // A second instance on the same Redis: the limit is per caller (the token's subject), fleet-wide.
    const other = await startExtraGateway(stack, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix });
    try {
      const otherCaller = await postGraphQL(other.url, { query: addReview('2') }, await bearer('2'));
      expect(otherCaller.status).toBe(200);
      expect(otherCaller.body.data?.addReview).toEqual({ id: expect.stringMatching(/^r-2-\d+$/) });
      const sameCaller = await postGraphQL(other.url, { query: addReview('1') }, await bearer('1'));
      expect(sameCaller.status).toBe(429);
    } finally {
      await other.stop();
    }
  });

  it('when an anonymous caller sends a @rateLimit mutation it may not run (filter mode), then each answer is UNAUTHORIZED, never RATE_LIMITED: a field that does not run costs no allowance', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await stack.query(addReview('3'));
      statuses.push(`${res.status} ${String(res.body.errors?.[0]?.extensions?.code)}`);
    }
    expect(statuses).toEqual(Array(7).fill('200 UNAUTHORIZED_FIELD_OR_TYPE'));
  });

  it('when an ordinary query is answered, then it carries RateLimit headers of the global limit', async () => {
    const res = await stack.query('{ user(id: "1") { id } }');
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe('600');
    expect(res.headers.get('ratelimit-policy')).toBe('600;w=60');
    expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(600);
  });
});

describe('the global per-caller limit', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], redis: true, env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => stack?.stop());

  it('when a caller sends more requests per minute than RATE_LIMIT_PER_MINUTE, then the extra ones get 429 before any parsing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await stack.query('{ user(id: "1") { id } }')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    // Even a broken document is refused as RATE_LIMITED: the limit runs before parsing.
    const res = await stack.query('{ broken');
    expect(res.status).toBe(429);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(res.headers.get('ratelimit-limit')).toBe('3');
    expect(res.headers.get('retry-after')).not.toBeNull();
  });
});

describe('three gateway instances sharing one Redis', () => {
  let stack: Stack;
  const extras: GatewayHandle[] = [];
  const keyPrefix = uniqueKeyPrefix();
  beforeAll(async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '10' };
    stack = await startStack({ subgraphs: ['users', 'orders'], redis: { keyPrefix }, env });
    for (let i = 0; i < 2; i += 1) extras.push(await startExtraGateway(stack, { ...env, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix }));
  });
  afterAll(async () => {
    await Promise.all(extras.map((g) => g.stop()));
    await stack?.stop();
  });

  it('when 30 requests race across the three with a global limit of 10, then exactly 10 succeed', async () => {
    const urls = [stack.gatewayUrl, ...extras.map((g) => g.url)];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => postGraphQL(urls[i % 3] as string, { query: '{ user(id: "1") { id } }' })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});

describe('three gateway instances and a @rateLimit(limit: 10) field', () => {
  let stack: Stack;
  const extras: GatewayHandle[] = [];
  const keyPrefix = uniqueKeyPrefix();
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['orders'], redis: { keyPrefix } });
    for (let i = 0; i < 2; i += 1) extras.push(await startExtraGateway(stack, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix }));
  });
  afterAll(async () => {
    await Promise.all(extras.map((g) => g.stop()));
    await stack?.stop();
  });

  it('when placeOrder is called 25 times concurrently across the three, then exactly 10 orders are placed', async () => {
    const urls = [stack.gatewayUrl, ...extras.map((g) => g.url)];
    const mutation = 'mutation { placeOrder(input: { userId: "1", items: [{ sku: "SKU-001", quantity: 1 }] }) { id } }';
    const user1 = await bearer('1');
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => postGraphQL(urls[i % 3] as string, { query: mutation }, user1)));
    expect(results.filter((r) => r.status === 200 && r.body.data?.placeOrder)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
    expect(stack.subgraphs.orders?.requests.filter((r) => r.query.includes('placeOrder'))).toHaveLength(10);
  });
});
