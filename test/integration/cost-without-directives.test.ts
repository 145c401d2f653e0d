import path from 'node:path';
import { startFixtureSubgraphs, type FixtureSubgraphs } from '../fixtures/no-cost-directives/subgraphs';
import { postGraphQL, startStack, startTestGateway, type Stack } from '../helpers/stack';
import type { GatewayHandle } from '../../gateway/src/server';

const FIXTURE_SUPERGRAPH = path.join(__dirname, '../fixtures/no-cost-directives/supergraph.graphql');
const NESTED_LISTS = '{ products { id categories { id name subCategories { id name } } } }';
const BRANCHES = `{ accounts {
  ... on User { id similarAccounts { ... on User { id } ... on Admin { id } } }
  ... on Admin { id similarAccounts { ... on User { id } ... on Admin { id } } }
} }`;

describe('cost limits in front of subgraphs that declare no cost directives (default settings)', () => {
  let subgraphs: FixtureSubgraphs;
  let gateway: GatewayHandle;
  beforeAll(async () => {
    subgraphs = await startFixtureSubgraphs();
    gateway = await startTestGateway({ SUPERGRAPH_PATH: FIXTURE_SUPERGRAPH, ...subgraphs.env });
  });
  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('when three lists are nested (estimated above COST_MAX with the default list size), then the operation is answered and its cost reported', async () => {
    const res = await postGraphQL(gateway.url, { query: NESTED_LISTS });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect((res.body.data?.products as unknown[]).length).toBe(3);
    expect(res.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1110 });
  });

  it('when inline fragments select on each concrete type of an interface, then the operation is answered', async () => {
    const res = await postGraphQL(gateway.url, { query: BRANCHES });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions?.cost).toMatchObject({ requestedQueryCost: 110 });
  });

  it('when the same caller repeats an expensive operation, then the budget never throttles it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postGraphQL(gateway.url, { query: NESTED_LISTS })).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});

describe('cost limits on a graph without cost directives when the operator enforces them (COST_MODE=enforce)', () => {
  let subgraphs: FixtureSubgraphs;
  let gateway: GatewayHandle;
  beforeAll(async () => {
    subgraphs = await startFixtureSubgraphs();
    gateway = await startTestGateway({ SUPERGRAPH_PATH: FIXTURE_SUPERGRAPH, COST_MODE: 'enforce', ...subgraphs.env });
  });
  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('when the estimate is above COST_MAX, then 400 COST_ESTIMATED_TOO_EXPENSIVE', async () => {
    const res = await postGraphQL(gateway.url, { query: NESTED_LISTS });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 1110, max: 1000 } });
  });
});

describe('cost limits on our own graph (it declares @cost/@listSize) under default settings', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'orders', 'payments', 'reviews'] });
  });
  afterAll(() => stack?.stop());

  it('when the big users(first: 100) query is sent, then it is still refused with COST_ESTIMATED_TOO_EXPENSIVE', async () => {
    const res = await stack.query(
      '{ users(first: 100) { edges { node { id orders(first: 100) { id items { sku } payment { status } } reviews(first: 100) { id } } } } }',
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
  });
});

describe('an estimate above the cost budget\'s capacity', () => {
  let stack: Stack;
  beforeAll(async () => {
    // COST_MAX stays at its default 1000: the bucket is what cannot hold the operation.
    stack = await startStack({ subgraphs: ['users'], env: { COST_BUDGET_CAPACITY: '100' } });
  });
  afterAll(() => stack?.stop());

  it('when an operation could never fit a full bucket, then COST_ESTIMATED_TOO_EXPENSIVE every time, never THROTTLED or served', async () => {
    const query = '{ users(first: 60) { edges { node { id } } } }'; // 1 + 60 × 2 = 121 > 100
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await stack.query(query);
      codes.push(res.status, res.body.errors?.[0]?.extensions?.code);
    }
    expect(codes).toEqual([400, 'COST_ESTIMATED_TOO_EXPENSIVE', 400, 'COST_ESTIMATED_TOO_EXPENSIVE', 400, 'COST_ESTIMATED_TOO_EXPENSIVE']);
  });

  it('when it is refused, then extensions.cost names the bucket\'s capacity as the maximum', async () => {
    const res = await stack.query('{ users(first: 60) { edges { node { id } } } }');
    expect(res.body.errors?.[0]?.extensions?.cost).toEqual({ estimated: 121, max: 100 });
  });
});
