import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '../helpers/stack';
import { profileOwner } from '../helpers/tokens';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

describe('the profile query with subgraphs down', () => {
  let stack: Stack;
  let whole: Record<string, unknown>;
  // The owner with every scope the profile needs, so each part is served (or not) only by its subgraph.
  let owner: Record<string, string>;
  beforeAll(async () => {
    // Without the response cache: a cached profile would (rightly) be served whole while a subgraph is down.
    stack = await startStack({ env: { RESPONSE_CACHE_ENABLED: 'false' } });
    owner = await profileOwner('1');
    const res = await stack.query(PROFILE, { id: '1' }, owner);
    expect(res.body.errors).toBeUndefined();
    whole = (res.body.data as { user: Record<string, unknown> }).user;
  });
  afterAll(() => stack?.stop());

  it('when reviews is stopped, then everything but reviewStats is served with HTTP 200', async () => {
    await stack.stopSubgraph('reviews');

    const res = await stack.query(PROFILE, { id: '1' }, owner);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { ...whole, reviewStats: null } });
    expect(res.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews' }]);
  });

  it('when orders is stopped too, then orders is null as well and users, payments and wishlist still answer', async () => {
    await stack.stopSubgraph('orders');

    const res = await stack.query(PROFILE, { id: '1' }, owner);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { ...whole, orders: null, reviewStats: null } });
    expect(res.body.errors?.map((e) => e.extensions?.serviceName).sort()).toEqual(['orders', 'reviews']);
    expect(res.body.errors?.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);
  });
});
