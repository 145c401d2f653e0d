import { readFileSync } from 'node:fs';
import path from 'node:path';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { createSubgraph } from '../../subgraphs/registry';
import { registerEnforcedSecurityFeatures } from '../../gateway/src/auth/security-features';
import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

/** The owner with the scopes the profile needs. */
const owner = (id: string) => bearer(id, 'orders:read payments:read');

const ROOT = path.resolve(__dirname, '../..');
const PROFILE = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');

/** What the seed says user `id`'s profile is, read from fresh store instances (the seed is deterministic). */
async function expectedProfile(id: string) {
  const [user] = await createSubgraph('users').store.byIds([id]);
  const orders = (await createSubgraph('orders').store.listByUsers([id], 5)).get(id) ?? [];
  const payments = createSubgraph('payments').store;
  const paymentByOrder = new Map((await payments.byOrderIds(orders.map((o) => o.id))).map((p) => [p.orderId, p]));
  const stats = (await createSubgraph('reviews').store.statsByUsers([id])).get(id);
  return {
    id,
    name: user?.name,
    email: user?.email,
    orders: orders.map((o) => ({ id: o.id, total: o.total, status: o.status, payment: { status: paymentByOrder.get(o.id)?.status } })),
    payments: ((await payments.listByUsers([id], 5)).get(id) ?? []).map((p) => ({ id: p.id, amount: p.amount, status: p.status })),
    paymentMethods: ((await payments.methodsByUsers([id])).get(id) ?? []).map((m) => ({ id: m.id, brand: m.brand, last4: m.last4 })),
    wishlist: { count: (await createSubgraph('wishlist').store.countByUsers([id])).get(id) },
    reviewStats: { count: stats?.count, averageRating: stats?.averageRating },
  };
}

/** The subgraph each Fetch in a plan node goes to, keeping the Sequence/Parallel structure. */
type Shape = string | { sequence: Shape[] } | { parallel: Shape[] };
function shapeOf(node: PlanNode | SubscriptionNode): Shape {
  switch (node.kind) {
    case 'Fetch':
      return node.serviceName;
    case 'Flatten':
      return shapeOf(node.node);
    case 'Sequence':
      return { sequence: node.nodes.map(shapeOf) };
    case 'Parallel':
      return { parallel: node.nodes.map(shapeOf) };
    default:
      throw new Error(`unexpected plan node ${node.kind}`);
  }
}

describe('the profile query', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('when planned against the committed supergraph, then users is called first and the other four in parallel', () => {
    registerEnforcedSecurityFeatures();
    const supergraph = Supergraph.build(readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8'));
    const operation = operationFromDocument(supergraph.schema, parse(PROFILE), { operationName: 'Profile' });
    const plan = new QueryPlanner(supergraph).buildQueryPlan(operation);
    if (!plan.node) throw new Error('empty plan');

    const shape = shapeOf(plan.node) as { sequence: [Shape, { parallel: Shape[] }] };
    expect(shape.sequence).toHaveLength(2);
    expect(shape.sequence[0]).toBe('users');
    // orders' Order.payment needs the order ids first: the one extra payments call, after orders.
    expect(shape.sequence[1].parallel).toEqual(
      expect.arrayContaining(['reviews', 'wishlist', 'payments', { sequence: ['orders', 'payments'] }]),
    );
    expect(shape.sequence[1].parallel).toHaveLength(4);
  });

  it('when the owner with orders:read and payments:read sends it for user "1", then one HTTP request returns the seeded profile, every field non-null', async () => {
    stack.clearRecordedRequests();
    const res = await stack.query(PROFILE, { id: '1' }, await owner('1'));

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ user: await expectedProfile('1') });
    expect(JSON.stringify(res.body.data)).not.toContain('null');
  });

  it('when sent, then each subgraph is called once (payments twice: for the user and for the orders)', async () => {
    stack.clearRecordedRequests();
    await stack.query(PROFILE, { id: '42' }, await owner('42'));

    const calls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s?.requests.length]));
    expect(calls).toEqual({ users: 1, orders: 1, payments: 2, wishlist: 1, reviews: 1 });
  });

  it('when sent for many users, then each answer matches that user\'s seed', async () => {
    const ids = ['2', '500', '1000'];
    const results = await Promise.all(ids.map(async (id) => stack.query(PROFILE, { id }, await owner(id))));
    for (const [i, id] of ids.entries()) {
      expect(results[i]?.body.data).toEqual({ user: await expectedProfile(id) });
    }
  });

  it('when sent anonymously, then the public fields arrive and each protected field is null with UNAUTHORIZED_FIELD_OR_TYPE', async () => {
    stack.clearRecordedRequests();
    const res = await stack.query(PROFILE, { id: '1' });

    const expected = await expectedProfile('1');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      user: { ...expected, email: null, orders: null, payments: null, paymentMethods: null },
    });
    const denied = (res.body.errors ?? []).map((e) => [e.extensions?.code, e.path?.join('.')]);
    expect(denied).toEqual(
      expect.arrayContaining([
        ['UNAUTHORIZED_FIELD_OR_TYPE', 'user.email'],
        ['UNAUTHORIZED_FIELD_OR_TYPE', 'user.orders'],
        ['UNAUTHORIZED_FIELD_OR_TYPE', 'user.payments'],
        ['UNAUTHORIZED_FIELD_OR_TYPE', 'user.paymentMethods'],
      ]),
    );
    expect(denied).toHaveLength(4);
    // Removed before planning: orders is never called.
    expect(stack.subgraphs.orders?.requests).toHaveLength(0);
  });

  it('when the user does not exist, then user is null and no other subgraph is called', async () => {
    stack.clearRecordedRequests();
    const res = await stack.query(PROFILE, { id: 'nope' }, await bearer('admin-1', 'admin'));
    expect(res.body.data).toEqual({ user: null });
    expect(res.body.errors).toBeUndefined();
    expect(stack.subgraphs.orders?.requests).toHaveLength(0);
  });

  it('when one subgraph errors on input, then its code passes through with serviceName and HTTP 200', async () => {
    const res = await stack.query('mutation { placeOrder(input: { userId: "1", items: [] }) { id } }', {}, await bearer('1'));
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', serviceName: 'orders' });
  });
});
