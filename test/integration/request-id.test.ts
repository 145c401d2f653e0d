import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const PROFILE_LITE = '{ user(id: "2") { id orders(first: 1) { id } wishlist { count } } }';

describe('request id propagation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'orders', 'wishlist'] });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.clearRecordedRequests());

  const seenBySubgraphs = () =>
    Object.values(stack.subgraphs).flatMap((s) => (s ? s.requests.map((r) => r.headers['x-request-id']) : []));

  it('when the client sends x-request-id, then every subgraph call carries it and the response echoes it', async () => {
    const res = await stack.query(PROFILE_LITE, {}, { 'x-request-id': 'client-req-42', ...(await bearer('2', 'orders:read')) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('client-req-42');
    const seen = seenBySubgraphs();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen)).toEqual(new Set(['client-req-42']));
  });

  it('when the client sends none, then one generated id reaches every subgraph and the client', async () => {
    const res = await stack.query(PROFILE_LITE);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(seenBySubgraphs())).toEqual(new Set([id]));
  });

  it('when the inbound id is malformed, then it is replaced rather than forwarded', async () => {
    const res = await stack.query(PROFILE_LITE, {}, { 'x-request-id': 'bad id with spaces' });
    const id = res.headers.get('x-request-id');
    expect(id).not.toBe('bad id with spaces');
    expect(new Set(seenBySubgraphs())).toEqual(new Set([id]));
  });

  it('when a client sends identity-looking headers, then subgraphs never receive them', async () => {
    await stack.query(PROFILE_LITE, {}, { 'x-user-id': '999', 'accept-language': 'fr' });
    const requests = Object.values(stack.subgraphs).flatMap((s) => s?.requests ?? []);
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.headers['x-user-id']).toBeUndefined();
      expect(r.headers['accept-language']).toBe('fr');
    }
  });
});
