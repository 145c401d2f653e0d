import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const QUERY = 'query Wish($id: ID!) { user(id: $id) { id wishlist { count } } }';

describe('in-flight deduplication of subgraph fetches', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A slow wishlist keeps identical fetches in flight at the same time.
    stack = await startStack({ subgraphs: ['users', 'wishlist'], latencyMs: { wishlist: 300 }, env: { FORWARD_HEADERS: 'accept-language' } });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.clearRecordedRequests());

  it('when five identical queries run concurrently, then the subgraph gets one request and every client the full answer', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => stack.query(QUERY, { id: '1' })));

    for (const res of results) expect(res.body.data).toEqual({ user: { id: '1', wishlist: { count: expect.any(Number) } } });
    expect(stack.subgraphs.wishlist?.requests).toHaveLength(1);
  });

  it('when the variables differ, then nothing is shared', async () => {
    await Promise.all(['1', '2', '3'].map((id) => stack.query(QUERY, { id })));

    expect(stack.subgraphs.wishlist?.requests).toHaveLength(3);
  });

  it('when a forwarded header differs, then the callers do not share a response', async () => {
    await Promise.all(['en', 'de'].map((lang) => stack.query(QUERY, { id: '1' }, { 'accept-language': lang })));

    expect(stack.subgraphs.wishlist?.requests.map((r) => r.headers['accept-language']).sort()).toEqual(['de', 'en']);
  });

  it('when the same user sends identical queries concurrently with different tokens, then they share one request', async () => {
    // Each request's signed identity header is unique (request id, expiry); the caller it names is not.
    const tokens = await Promise.all([bearer('1', 'orders:read'), bearer('1', 'orders:read'), bearer('1', 'orders:read')]);

    await Promise.all(tokens.map((t) => stack.query(QUERY, { id: '1' }, t)));

    expect(stack.subgraphs.wishlist?.requests).toHaveLength(1);
  });

  it('when different callers send identical queries concurrently, then the callers do not share a response', async () => {
    const callers = await Promise.all([bearer('1'), bearer('2'), bearer('1', 'admin')]);

    const results = await Promise.all([...callers.map((c) => stack.query(QUERY, { id: '1' }, c)), stack.query(QUERY, { id: '1' })]);

    for (const res of results) expect(res.body.data).toEqual({ user: { id: '1', wishlist: { count: expect.any(Number) } } });
    expect(stack.subgraphs.wishlist?.requests).toHaveLength(4);
  });

  it('when identical mutations run concurrently, then each one reaches the subgraph', async () => {
    const mutation = 'mutation { addToWishlist(userId: "7", sku: "SKU-001", name: "Lamp") { count } }';
    const owner = await bearer('7');

    await Promise.all(Array.from({ length: 3 }, () => stack.query(mutation, {}, owner)));

    expect(stack.subgraphs.wishlist?.requests).toHaveLength(3);
  });
});

describe('with SUBGRAPH_DEDUP=false', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'wishlist'], latencyMs: { wishlist: 300 }, env: { SUBGRAPH_DEDUP: 'false' } });
  });
  afterAll(() => stack?.stop());

  it('when five identical queries run concurrently, then each one reaches the subgraph and every client gets the full answer', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => stack.query(QUERY, { id: '1' })));

    for (const res of results) expect(res.body.data).toEqual({ user: { id: '1', wishlist: { count: expect.any(Number) } } });
    expect(stack.subgraphs.wishlist?.requests).toHaveLength(5);
  });
});
