import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../gateway/src/logger';
import type { GatewayHandle } from '../../gateway/src/server';
import { APOLLO_CLIENT_ACCEPT, labelsInOrder, merged, postDeferred, URQL_ACCEPT, type Payload } from '../helpers/multipart';
import { sample } from '../helpers/prometheus';
import { startExtraGateway, startStack, startTestGateway, subgraphUrlEnv, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';

const OPERATIONS = path.resolve(__dirname, '../../gateway/operations');
const PROFILE = readFileSync(path.join(OPERATIONS, 'profile.graphql'), 'utf8');
const PROFILE_DEFERRED = readFileSync(path.join(OPERATIONS, 'profile-deferred.graphql'), 'utf8');

/** Every item of every part after the first, with its label. */
function items(payloads: readonly Payload[]) {
  return payloads.slice(1).flatMap((p) => p.incremental ?? []);
}

function codes(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): unknown[] {
  return (errors ?? []).map((e) => e.extensions?.code);
}

describe('@defer through the gateway (multipart/mixed, deferSpec=20220824)', () => {
  let stack: Stack;
  // Reviews answers 300 ms later than the others: its part must come last.
  beforeAll(async () => {
    stack = await startStack({ latencyMs: { reviews: 300 } });
  });
  afterAll(() => stack?.stop());

  it('when the owner streams ProfileDeferred, then the merged parts equal the Profile result and the first part holds only the user and wishlist', async () => {
    const owner = await profileOwner('11');
    const whole = await stack.query(PROFILE, { id: '11' }, owner);

    const res = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '11' } }, owner);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys((res.payloads[0]?.data?.user ?? {}) as object).sort()).toEqual(['email', 'id', 'name', 'wishlist']);
    expect(res.payloads[0]?.hasNext).toBe(true);
    expect(res.payloads.at(-1)?.hasNext).toBe(false);
    expect(merged(res.payloads)).toEqual({ data: whole.body.data, errors: [] });
    expect(whole.body.errors).toBeUndefined();
  });

  it('when a tool introspects the schema (Sandbox, codegen), then @defer is declared with its if and label arguments', async () => {
    const res = await stack.query('{ __schema { directives { name locations args { name } } } }');

    const defer = (res.body.data as { __schema: { directives: Array<{ name: string; locations: string[]; args: Array<{ name: string }> }> } }).__schema.directives.find((d) => d.name === 'defer');
    expect(defer).toEqual({ name: 'defer', locations: ['FRAGMENT_SPREAD', 'INLINE_FRAGMENT'], args: [{ name: 'if' }, { name: 'label' }] });
  });

  it('when one subgraph is slower, then the parts arrive as their subgraphs answer and the slow one comes last', async () => {
    const res = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '12' } }, await profileOwner('12'));

    const labels = labelsInOrder(res.payloads);
    expect([...labels].sort()).toEqual(['orders', 'payments', 'reviewStats']);
    expect(labels.at(-1)).toBe('reviewStats');
  });

  it('when the client does not accept multipart (urql, plain JSON), then one complete JSON result comes back, equal to Profile', async () => {
    const owner = await profileOwner('13');
    const whole = await stack.query(PROFILE, { id: '13' }, owner);

    for (const accept of [URQL_ACCEPT, 'application/json']) {
      const res = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '13' } }, owner, accept);
      expect(res.status).toBe(200);
      expect(res.streamed).toBe(false);
      expect(res.payloads[0]?.data).toEqual(whole.body.data);
      expect(res.payloads[0]?.hasNext).toBeUndefined();
    }
  });

  it('when a fresh cached result exists for the same deferred query and caller, then it answers whole, as JSON (deferred responses are never stored)', async () => {
    const owner = await profileOwner('14');
    const first = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '14' } }, owner);
    const stored = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '14' } }, owner, 'application/json');

    const hit = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '14' } }, owner);

    expect(first.streamed).toBe(true);
    expect(stored.headers.get('age')).toBeNull();
    expect(hit.streamed).toBe(false);
    expect(hit.headers.get('age')).not.toBeNull();
    expect(hit.payloads[0]?.data).toEqual(merged(first.payloads).data);
    // Another caller never gets that entry.
    const other = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '14' } }, await profileOwner('15'));
    expect(other.streamed).toBe(true);
  });

  it('when every @defer is off (if: false, or if: $var false), then one whole result arrives, nothing deferred', async () => {
    const query = `query Off($id: ID!, $on: Boolean!) { user(id: $id) { id ... @defer(if: false) { name } ... @defer(if: $on, label: "stats") { reviewStats { count } } } }`;

    const off = await postDeferred(stack.gatewayUrl, { query, variables: { id: '16', on: false } });
    const on = await postDeferred(stack.gatewayUrl, { query, variables: { id: '16', on: true } });

    expect(off.streamed).toBe(false);
    expect(off.payloads[0]?.data).toEqual({ user: { id: '16', name: expect.any(String), reviewStats: { count: expect.any(Number) } } });
    expect(on.streamed).toBe(true);
    expect(on.payloads[0]?.data).toEqual({ user: { id: '16', name: expect.any(String) } });
    expect(labelsInOrder(on.payloads)).toEqual(['stats']);
  });

  it('when defers are nested and labelled, then each child comes after its parent, per list element, and unlabelled ones carry no label', async () => {
    const query = `query Nested($id: ID!) { user(id: $id) { id
      ... @defer(label: "orders") { orders(first: 2) { id ... @defer(label: "payment") { payment { status } } } }
      ... @defer { wishlist { count } } } }`;

    const res = await postDeferred(stack.gatewayUrl, { query, variables: { id: '17' } }, await profileOwner('17'));

    const all = items(res.payloads);
    const orders = all.find((i) => i.label === 'orders');
    const payments = all.filter((i) => i.label === 'payment');
    expect(orders?.path).toEqual(['user']);
    expect(payments.map((p) => p.path)).toEqual((orders?.data?.orders as unknown[]).map((_, i) => ['user', 'orders', i]));
    expect(all.indexOf(orders!)).toBeLessThan(Math.min(...payments.map((p) => all.indexOf(p))));
    expect(all.filter((i) => i.label === undefined).map((i) => i.data)).toEqual([{ wishlist: { count: expect.any(Number) } }]);
    expect(JSON.stringify(res.payloads)).not.toContain('__frontdoor');
  });

  it('when the caller may not see a field inside a deferred fragment (filter mode), then it is null with UNAUTHORIZED_FIELD_OR_TYPE in that part only', async () => {
    // orders:read but not payments:read: the "payments" part loses payments and paymentMethods.
    const res = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '18' } }, await bearer('18', 'orders:read'));

    expect(res.payloads[0]?.errors).toBeUndefined();
    const part = items(res.payloads).find((i) => i.label === 'payments');
    expect(part?.data).toEqual({ payments: null, paymentMethods: null });
    expect(part?.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['user', 'payments'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
      [['user', 'paymentMethods'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
    expect(items(res.payloads).find((i) => i.label === 'orders')?.data).toMatchObject({ orders: expect.any(Array) });
  });

  describe('with limits and a short stream deadline (a second gateway over the same subgraphs)', () => {
    let strict: GatewayHandle;
    beforeAll(async () => {
      strict = await startExtraGateway(stack, { COST_MAX: '10', DEFER_TIMEOUT_MS: '150', RESPONSE_CACHE_ENABLED: 'false' });
    });
    afterAll(() => strict?.stop());

    it('when the whole operation costs more than COST_MAX (its primary part alone would not), then it is refused before any part, as plain JSON', async () => {
      const res = await postDeferred(strict.url, { query: PROFILE_DEFERRED, variables: { id: '19' } }, await profileOwner('19'));

      expect(res.status).toBe(400);
      expect(res.streamed).toBe(false);
      expect(codes(res.payloads[0]?.errors)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    });

    it('when a part is not ready by DEFER_TIMEOUT_MS, then it arrives as null with DEFER_TIMEOUT at its path and the stream ends', async () => {
      const query = 'query Late($id: ID!) { user(id: $id) { id ... @defer(label: "stats") { reviewStats { count } } } }';

      const res = await postDeferred(strict.url, { query, variables: { id: '19' } });

      const stats = items(res.payloads).find((i) => i.label === 'stats');
      expect(stats).toMatchObject({ data: null, path: ['user'] });
      expect(stats?.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['user'], 'DEFER_TIMEOUT']]);
      expect(res.payloads.at(-1)?.hasNext).toBe(false);
    });
  });

  describe('accounting (a gateway whose log is captured)', () => {
    const lines: string[] = [];
    let logged: GatewayHandle;
    beforeAll(async () => {
      const destination = new Writable({ write: (chunk: Buffer, _enc, done) => done(void lines.push(chunk.toString())) });
      logged = await startTestGateway({ ...subgraphUrlEnv(stack.subgraphs), LOG_LEVEL: 'info' }, { log: createLogger({ level: 'info', pretty: false, destination }) });
    });
    afterAll(() => logged?.stop());

    it('when a stream ends, then its one request line has the total and the time to the first payload, and metrics count it', async () => {
      await postDeferred(logged.url, { query: PROFILE_DEFERRED, variables: { id: '22' } }, await profileOwner('22'));

      const completed = lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request completed');
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ operationName: 'ProfileDeferred', status: 200, errorCodes: [], streamTimedOut: false, clientGone: false, cost: { estimated: 22, actual: expect.any(Number) } });
      expect(completed[0]?.firstPayloadMs).toBeLessThanOrEqual(completed[0]?.durationMs as number);
      const metrics = await (await fetch(logged.url.replace('/graphql', '/metrics'))).text();
      expect(sample(metrics, 'frontdoor_graphql_first_payload_seconds_count', { operation_name: 'ProfileDeferred' })).toBe(1);
      expect(sample(metrics, 'frontdoor_graphql_requests_total', { operation_name: 'ProfileDeferred', outcome: 'success' })).toBe(1);
    });
  });

  it('when a subgraph behind a deferred part is down, then that part has null and SUBGRAPH_UNAVAILABLE at its path while the others arrive', async () => {
    await stack.stopSubgraph('reviews');

    const res = await postDeferred(stack.gatewayUrl, { query: PROFILE_DEFERRED, variables: { id: '20' } }, await profileOwner('20'));

    expect(res.status).toBe(200);
    const stats = items(res.payloads).find((i) => i.label === 'reviewStats');
    expect(stats?.data).toEqual({ reviewStats: null });
    expect(stats?.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.serviceName])).toEqual([[['user'], 'SUBGRAPH_UNAVAILABLE', 'reviews']]);
    expect(items(res.payloads).filter((i) => i.label !== 'reviewStats').every((i) => !i.errors)).toBe(true);
    expect(labelsInOrder(res.payloads).sort()).toEqual(['orders', 'payments', 'reviewStats']);
    expect(res.payloads.at(-1)?.hasNext).toBe(false);
  });
});
