import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { seedUser } from '../../subgraphs/shared/seed';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

const codesAt = (errors: Array<{ path?: unknown[]; extensions?: Record<string, unknown> }> | undefined) =>
  (errors ?? []).map((e) => `${String(e.extensions?.code)} ${(e.path ?? []).join('.')}`).sort();

const subgraphQueries = (stack: Stack) => Object.values(stack.subgraphs).flatMap((s) => (s?.requests ?? []).map((r) => r.query));

describe('@authenticated / @requiresScopes, filter mode (default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.clearRecordedRequests());

  it('when the caller has orders:read only, then orders arrive, payment fields are null with one error per place', async () => {
    const res = await stack.query(PROFILE, { id: '1' }, await bearer('1', 'orders:read'));

    const user = res.body.data?.user as { email: string; orders: Array<{ id: string; payment: unknown }>; payments: unknown; paymentMethods: unknown };
    expect(res.status).toBe(200);
    expect(user.email).toBe(seedUser('1').email);
    expect(user.orders.length).toBeGreaterThan(0);
    expect(user.orders.every((o) => o.payment === null)).toBe(true);
    expect(user.payments).toBeNull();
    expect(user.paymentMethods).toBeNull();
    expect(codesAt(res.body.errors)).toEqual(
      [
        ...user.orders.map((_, i) => `UNAUTHORIZED_FIELD_OR_TYPE user.orders.${i}.payment`),
        'UNAUTHORIZED_FIELD_OR_TYPE user.paymentMethods',
        'UNAUTHORIZED_FIELD_OR_TYPE user.payments',
      ].sort(),
    );
    expect(stack.subgraphs.payments?.requests).toHaveLength(0);
  });

  it('when the same query text comes from callers with different scopes in turn, then each gets its own decision (decisions are cached per caller kind)', async () => {
    const fields = (res: Awaited<ReturnType<Stack['query']>>) => {
      const user = res.body.data?.user as { email: unknown; payments: unknown; orders: unknown };
      return { email: user.email !== null, orders: user.orders !== null, payments: user.payments !== null };
    };
    const asOrders = await bearer('1', 'orders:read');
    const asBoth = await bearer('1', 'orders:read payments:read');

    expect(fields(await stack.query(PROFILE, { id: '1' }, asOrders))).toEqual({ email: true, orders: true, payments: false });
    expect(fields(await stack.query(PROFILE, { id: '1' }, asBoth))).toEqual({ email: true, orders: true, payments: true });
    expect(fields(await stack.query(PROFILE, { id: '1' }))).toEqual({ email: false, orders: false, payments: false });
    expect(fields(await stack.query(PROFILE, { id: '1' }, asOrders))).toEqual({ email: true, orders: true, payments: false });
    expect(fields(await stack.query(PROFILE, { id: '1' }, asBoth))).toEqual({ email: true, orders: true, payments: true });
  });

  it('when fragments, inline fragments and aliases select protected fields, then none of them reaches a subgraph', async () => {
    const query = `
      query Smuggle {
        user(id: "1") {
          name
          mail: email
          ...Contact
          ... on User { o: orders(first: 1) { id } ...Deep }
        }
      }
      fragment Contact on User { email again: email }
      fragment Deep on User { ... on User { pm: paymentMethods { id } } }`;

    const res = await stack.query(query);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { name: seedUser('1').name, mail: null, email: null, again: null, o: null, pm: null } });
    expect(codesAt(res.body.errors)).toEqual(
      ['user.again', 'user.email', 'user.mail', 'user.o', 'user.pm'].map((p) => `UNAUTHORIZED_FIELD_OR_TYPE ${p}`),
    );
    const sent = subgraphQueries(stack).join('\n');
    expect(sent).not.toMatch(/email|orders|paymentMethods/);
    expect(stack.subgraphs.orders?.requests).toHaveLength(0);
    expect(stack.subgraphs.payments?.requests).toHaveLength(0);
  });

  it('when every selected field is denied, then the operation still answers with nulls and errors', async () => {
    const res = await stack.query('{ user(id: "2") { email } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { email: null } });
    expect(codesAt(res.body.errors)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE user.email']);
  });

  it('when a denied non-null root mutation is sent anonymously, then it never runs and the null propagates to data', async () => {
    const res = await stack.query('mutation { addToWishlist(userId: "1", sku: "SKU-001", name: "x") { count } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(codesAt(res.body.errors)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE addToWishlist']);
    expect(stack.subgraphs.wishlist?.requests).toHaveLength(0);
  });

  it('when the same operation alternates between anonymous and owner, then neither gets the other\'s plan', async () => {
    for (let i = 0; i < 2; i += 1) {
      const anonymous = await stack.query(PROFILE, { id: '5' });
      const owner = await stack.query(PROFILE, { id: '5' }, await bearer('5', 'orders:read payments:read'));
      expect((anonymous.body.data?.user as { orders: unknown }).orders).toBeNull();
      expect(owner.body.errors).toBeUndefined();
      expect((owner.body.data?.user as { orders: unknown[] }).orders.length).toBeGreaterThan(0);
    }
  });

  it('when a signed-in user with scopes asks for someone else\'s orders, then the subgraph refuses with FORBIDDEN', async () => {
    const res = await stack.query('{ user(id: "2") { name orders { id } } }', {}, await bearer('1', 'orders:read'));
    expect(codesAt(res.body.errors)).toEqual(['FORBIDDEN user.orders']);
    const admin = await stack.query('{ user(id: "2") { name orders { id } } }', {}, await bearer('1', 'admin'));
    expect(admin.body.errors).toBeUndefined();
  });
});

describe('@authenticated / @requiresScopes, reject mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUTHZ_MODE: 'reject' } });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.clearRecordedRequests());

  it('when an anonymous caller sends the profile, then 401 lists every protected path and no subgraph is called', async () => {
    const res = await stack.query(PROFILE, { id: '1' });
    expect(res.status).toBe(401);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([
      {
        message: 'Unauthenticated',
        extensions: { code: 'UNAUTHENTICATED', unauthorizedPaths: [['user', 'email'], ['user', 'orders'], ['user', 'payments'], ['user', 'paymentMethods']] },
      },
    ]);
    expect(subgraphQueries(stack)).toEqual([]);
  });

  it('when a signed-in caller lacks scopes, then 403 FORBIDDEN lists the paths (aliases as sent)', async () => {
    const res = await stack.query('{ user(id: "1") { mail: email o: orders { id payment { status } } } }', {}, await bearer('1', 'orders:read'));
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', unauthorizedPaths: [['user', 'o', 'payment']] });
    expect(subgraphQueries(stack)).toEqual([]);
  });

  it('when the owner has every scope, then the profile is answered in full', async () => {
    const res = await stack.query(PROFILE, { id: '1' }, await bearer('1', 'orders:read payments:read'));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(JSON.stringify(res.body.data)).not.toContain('null');
  });
});
