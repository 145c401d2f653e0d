import { Writable } from 'node:stream';
import pino from 'pino';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy';
import { postGraphQL, startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const PLACE = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id total } }';
const ORDERS = 'query Orders($id: ID!) { user(id: $id) { orders(first: 100) { id } } }';
const input = (quantity: number) => ({ input: { items: [{ sku: 'SKU-001', quantity }] } });

describe('idempotent mutations (Idempotency-Key)', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    proxy = await startFlakyProxy();
    stack = await startStack({
      subgraphs: ['users', 'orders'],
      redis: true,
      env: { SUBGRAPH_URL_ORDERS: proxy.url },
      gatewayDeps: { log: pino({ level: 'debug' }, sink) },
    });
    proxy.targetUrl = stack.subgraphs.orders!.url;
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });
  beforeEach(() => proxy.heal());

  const ordersOf = async (user: string, auth: Record<string, string>) =>
    ((await stack.query(ORDERS, { id: user }, auth)).body.data?.user as { orders: Array<{ id: string }> }).orders.map((o) => o.id);
  const place = (auth: Record<string, string>, key: string, variables = input(1)) =>
    postGraphQL(stack.gatewayUrl, { query: PLACE, variables }, { ...auth, 'idempotency-key': key });

  it('when the connection breaks after orders applied placeOrder, then a retry with the same key returns the same order and the user has exactly one new order', async () => {
    // Arrange
    const auth = await bearer('41', 'orders:read');
    const before = await ordersOf('41', auth);
    const key = 'a6c1a3d2-5d0e-4f6b-9a1c-41b2c3d4e5f6';
    proxy.resetAfterForwardNext(1);

    // Act: the first attempt is applied by orders, but its answer never reaches the gateway.
    const broken = await place(auth, key);
    const retried = await place(auth, key);
    const again = await place(auth, key);

    // Assert
    expect(broken.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
    expect(retried.status).toBe(200);
    expect(retried.body.errors).toBeUndefined();
    const orderId = (retried.body.data?.placeOrder as { id: string }).id;
    expect((again.body.data?.placeOrder as { id: string }).id).toBe(orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const after = await ordersOf('41', auth);
    expect(after.filter((id) => !before.includes(id))).toEqual([orderId]);
  });

  it('when the same key comes with another body, then 422 IDEMPOTENCY_KEY_REUSED and nothing is placed', async () => {
    const auth = await bearer('42', 'orders:read');
    const key = 'key-42-reused';
    expect((await place(auth, key, input(1))).status).toBe(200);
    const before = await ordersOf('42', auth);

    const reused = await place(auth, key, input(2));

    expect(reused.status).toBe(422);
    expect(reused.body.errors?.map((e) => e.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await ordersOf('42', auth)).toEqual(before);
  });

  it('when a repeat arrives while the first is still running, then 409 IDEMPOTENCY_KEY_IN_USE with Retry-After', async () => {
    const auth = await bearer('43', 'orders:read');
    const key = 'key-43-in-use';
    stack.subgraphs.orders!.setLatencyMs(1500);
    try {
      const first = place(auth, key);
      await new Promise((r) => setTimeout(r, 300));
      const repeat = await place(auth, key);

      expect(repeat.status).toBe(409);
      expect(repeat.body.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
      expect(repeat.headers.get('retry-after')).toBe('1');
      expect((await first).status).toBe(200);
    } finally {
      stack.subgraphs.orders!.setLatencyMs(0);
    }
  });

  it('when another caller sends the same key, then it is their own key: a separate order', async () => {
    const key = 'shared-looking-key-44';
    const a = await place(await bearer('44', 'orders:read'), key);
    const b = await place(await bearer('45', 'orders:read'), key);
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    expect((a.body.data?.placeOrder as { id: string }).id).not.toBe((b.body.data?.placeOrder as { id: string }).id);
  });

  it('when the key is empty, too long or has odd characters, then 400 IDEMPOTENCY_KEY_INVALID', async () => {
    const auth = await bearer('46', 'orders:read');
    for (const key of ['', 'x'.repeat(129), 'has space', 'semi;colon']) {
      const res = await place(auth, key);
      expect([res.status, res.body.errors?.[0]?.extensions?.code]).toEqual([400, 'IDEMPOTENCY_KEY_INVALID']);
    }
  });

  it('when a query carries a key, then it is ignored (queries are idempotent already)', async () => {
    const res = await postGraphQL(stack.gatewayUrl, { query: '{ user(id: "1") { id } }' }, { 'idempotency-key': 'not valid at all;' });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('when keys were used, then no log line holds a key in full', () => {
    const logged = lines.join('');
    expect(logged).toContain('idempotency key');
    for (const key of ['a6c1a3d2-5d0e-4f6b-9a1c-41b2c3d4e5f6', 'key-42-reused', 'key-43-in-use', 'shared-looking-key-44']) expect(logged).not.toContain(key);
  });
});
