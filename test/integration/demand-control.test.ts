import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

/** 1 (UserConnection) + n × (UserEdge 1 + User 1) with `first: n`, per the users schema's @listSize. */
const users = (n: number) => `{ users(first: ${n}) { edges { node { id } } } }`;

interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

const costOf = (body: { extensions?: Record<string, unknown> }) => body.extensions?.cost as CostExtension | undefined;

describe('demand control and cost budgets (enforce mode, Redis)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users', 'orders'],
      redis: true,
      // TRUST_PROXY lets each test be its own caller through X-Forwarded-For.
      env: { COST_MAX: '100', COST_BUDGET_CAPACITY: '100', COST_BUDGET_RESTORE_PER_SECOND: '10', TRUST_PROXY: 'true' },
    });
  });
  afterAll(() => stack?.stop());
  const as = (ip: string) => ({ 'x-forwarded-for': ip });

  it('when the estimated cost is above COST_MAX, then 400 COST_ESTIMATED_TOO_EXPENSIVE with the estimate, and no subgraph is called', async () => {
    stack.clearRecordedRequests();
    const res = await stack.query(users(100), {}, as('198.51.100.1'));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 201, max: 100 } });
    expect(res.body.data).toBeUndefined();
    expect(stack.subgraphs.users?.requests).toHaveLength(0);
  });

  it('when an operation is answered, then extensions.cost reports requested and actual cost and the throttle status', async () => {
    const res = await stack.query('{ user(id: "1") { id name } }', {}, as('198.51.100.2'));
    expect(res.status).toBe(200);
    const cost = costOf(res.body);
    expect(cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 100, restoreRate: 10 } });
    expect(cost?.throttleStatus?.currentlyAvailable).toBeGreaterThanOrEqual(99);
  });

  it('when the response is smaller than estimated, then the unused points are refunded', async () => {
    // Estimate: user 1 + 50 orders × 1 = 51 reserved; the seed user has only a few orders. Orders need
    // `orders:read`: the budget is then the token subject's (no other test here calls as user 1).
    const res = await stack.query('{ user(id: "1") { orders(first: 50) { id } } }', {}, await bearer('1', 'orders:read'));
    const orders = (res.body.data?.user as { orders: unknown[] }).orders;
    const cost = costOf(res.body);
    expect(cost?.requestedQueryCost).toBe(51);
    expect(cost?.actualQueryCost).toBe(1 + orders.length);
    expect(orders.length).toBeLessThan(50);
    // Without the refund 49 would be left (plus a point or so restored meanwhile).
    expect(cost?.throttleStatus?.currentlyAvailable).toBeGreaterThanOrEqual(100 - (1 + orders.length));
  });

  it('when the budget is used up, then 429 THROTTLED with Retry-After before any subgraph call; after that wait it is served again', async () => {
    // Arrange: 41 + 41 of 100 points (10 restored per second)
    const ip = as('198.51.100.4');
    expect((await stack.query(users(20), {}, ip)).status).toBe(200);
    expect((await stack.query(users(20), {}, ip)).status).toBe(200);
    stack.clearRecordedRequests();

    // Act
    const refused = await stack.query(users(20), {}, ip);

    // Assert
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', cost: { requestedQueryCost: 41 } });
    const retryAfterMs = refused.body.errors?.[0]?.extensions?.retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(retryAfterMs / 1000));
    expect(stack.subgraphs.users?.requests).toHaveLength(0);

    await new Promise((r) => setTimeout(r, retryAfterMs + 200));
    const again = await stack.query(users(20), {}, ip);
    expect(again.status).toBe(200);
    expect(costOf(again.body)?.throttleStatus?.currentlyAvailable).toBeLessThan(10);
  });
});

describe('demand control in measure mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], env: { COST_MODE: 'measure', COST_MAX: '10' } });
  });
  afterAll(() => stack?.stop());

  it('when the estimate is above COST_MAX, then the operation still runs and its cost is reported', async () => {
    const res = await stack.query(users(100));
    expect(res.status).toBe(200);
    expect((res.body.data?.users as { edges: unknown[] }).edges).toHaveLength(100);
    expect(costOf(res.body)).toMatchObject({ requestedQueryCost: 201, actualQueryCost: 201 });
  });
});
