import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '../helpers/stack';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

describe('the profile query with subgraphs down', () => {
  let stack: Stack;
  let whole: Record<string, unknown>;
  beforeAll(async () => {
    stack = await startStack();
    const res = await stack.query(PROFILE, { id: '1' });
    whole = (res.body.data as { user: Record<string, unknown> }).user;
  });
  afterAll(() => stack?.stop());

  it('when reviews is stopped, then everything but reviewStats is served with HTTP 200', async () => {
    await stack.stopSubgraph('reviews');

    const res = await stack.query(PROFILE, { id: '1' });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { ...whole, reviewStats: null } });
    expect(res.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews' }]);
  });

  it('when orders is stopped too, then orders is null as well and users, payments and wishlist still answer', async () => {
    await stack.stopSubgraph('orders');

    const res = await stack.query(PROFILE, { id: '1' });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { ...whole, orders: null, reviewStats: null } });
    expect(res.body.errors?.map((e) => e.extensions?.serviceName).sort()).toEqual(['orders', 'reviews']);
    expect(res.body.errors?.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);
  });
});
