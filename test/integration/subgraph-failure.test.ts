import { startStack, type Stack } from '../helpers/stack';
import { seedUser } from '../../subgraphs/shared/seed';

const QUERY = '{ user(id: "1") { id name wishlist { count } } }';

function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|stack|at \w+ \(/);
}

describe('when a subgraph is down', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'wishlist'] });
    await stack.stopSubgraph('wishlist');
  });
  afterAll(() => stack?.stop());

  it('when its part of a query fails, then the rest is served with 200 and a SUBGRAPH_UNAVAILABLE error naming it', async () => {
    const res = await stack.query(QUERY);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', name: seedUser('1').name, wishlist: null } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' } }),
    ]);
    expectNoInternals(res.body);
  });

  it('when the failure repeats, then the gateway keeps serving the healthy subgraphs', async () => {
    for (let i = 0; i < 3; i += 1) {
      const res = await stack.query('{ user(id: "2") { id } }');
      expect(res.body.data).toEqual({ user: { id: '2' } });
      expect(res.body.errors).toBeUndefined();
    }
  });
});

describe('when a subgraph is slower than SUBGRAPH_TIMEOUT_MS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'wishlist'], latencyMs: { wishlist: 1500 }, env: { SUBGRAPH_TIMEOUT_MS: '200' } });
  });
  afterAll(() => stack?.stop());

  it('then its part is null with SUBGRAPH_TIMEOUT and the rest is served', async () => {
    const res = await stack.query(QUERY);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', name: seedUser('1').name, wishlist: null } });
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'wishlist' });
    expectNoInternals(res.body);
  });
});
