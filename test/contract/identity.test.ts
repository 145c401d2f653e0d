import { randomUUID } from 'node:crypto';
import { createSubgraph } from '../../subgraphs/registry';
import { signIdentity } from '../../subgraphs/shared/identity';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { identityHeaders } from '../helpers/tokens';
import { graphql } from './graphql-client';

const MY_ORDERS = '{ _entities(representations: [{ __typename: "User", id: "5" }]) { ... on User { orders(first: 1) { id } } } }';

/** Subgraphs believe only the gateway's signed identity: whoever calls them directly is anonymous. */
describe('subgraph identity and ownership', () => {
  let orders: SubgraphHandle;
  let users: SubgraphHandle;
  beforeAll(async () => {
    [orders, users] = await Promise.all([
      startSubgraph(createSubgraph('orders'), { logLevel: 'silent' }),
      startSubgraph(createSubgraph('users'), { logLevel: 'silent' }),
    ]);
  });
  afterAll(() => Promise.all([orders?.stop(), users?.stop()]));

  const codes = (errors: Array<{ extensions?: { code?: string } }> | undefined) => (errors ?? []).map((e) => e.extensions?.code);

  it('when the signed identity is the owner, then their orders are returned', async () => {
    const { data, errors } = await graphql(orders.url, MY_ORDERS, { headers: identityHeaders('5') });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ _entities: [{ orders: [{ id: expect.stringMatching(/^o-5-/) }] }] });
  });

  it('when the signed identity is another user, then the orders are FORBIDDEN', async () => {
    const { data, errors } = await graphql(orders.url, MY_ORDERS, { headers: identityHeaders('6') });
    expect(codes(errors)).toEqual(['FORBIDDEN']);
    expect(data).toEqual({ _entities: [{ orders: null }] });
  });

  it('when the signed identity has the admin scope, then anyone\'s orders are returned', async () => {
    const { errors } = await graphql(orders.url, MY_ORDERS, { headers: identityHeaders('6', ['admin']) });
    expect(errors).toBeUndefined();
  });

  it('when a client sends x-user-id straight to a subgraph, then it is not believed', async () => {
    const res = await graphql(orders.url, MY_ORDERS, { identity: 'anonymous', headers: { 'x-user-id': '5' } });
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
    const me = await graphql(users.url, '{ me { id } }', { identity: 'anonymous', headers: { 'x-user-id': '5' } });
    expect(me.data).toEqual({ me: null });
  });

  it('when the identity header is signed with another secret (forged), then the caller is anonymous', async () => {
    const requestId = randomUUID();
    const forged = signIdentity({ id: '5', scopes: ['admin'] }, requestId, 'attacker-guess-of-the-secret-0123456789');
    const res = await graphql(orders.url, MY_ORDERS, { identity: 'anonymous', headers: { 'x-request-id': requestId, 'x-frontdoor-identity': forged } });
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
  });

  it('when a genuine identity header is tampered with (payload swapped), then the caller is anonymous', async () => {
    const genuine = identityHeaders('6');
    const [version, , signature] = (genuine['x-frontdoor-identity'] ?? '').split('.');
    const payload = Buffer.from(JSON.stringify({ sub: '5', scp: ['admin'], rid: genuine['x-request-id'], exp: Date.now() + 60_000 })).toString('base64url');
    const res = await graphql(orders.url, MY_ORDERS, { identity: 'anonymous', headers: { ...genuine, 'x-frontdoor-identity': `${version}.${payload}.${signature}` } });
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
  });

  it('when a captured identity header is replayed with another request id or after it expired, then the caller is anonymous', async () => {
    const captured = identityHeaders('5');
    const replayed = await graphql(orders.url, MY_ORDERS, { identity: 'anonymous', headers: { ...captured, 'x-request-id': randomUUID() } });
    expect(codes(replayed.errors)).toEqual(['FORBIDDEN']);

    const requestId = randomUUID();
    const expired = signIdentity({ id: '5', scopes: [] }, requestId, 'frontdoor-development-identity-secret-not-for-production', 60_000, Date.now() - 120_000);
    const late = await graphql(orders.url, MY_ORDERS, { identity: 'anonymous', headers: { 'x-request-id': requestId, 'x-frontdoor-identity': expired } });
    expect(codes(late.errors)).toEqual(['FORBIDDEN']);
  });

  it('when someone places an order for another user without admin, then it is FORBIDDEN', async () => {
    const res = await graphql(orders.url, 'mutation { placeOrder(input: { userId: "5", items: [{ sku: "SKU-001", quantity: 1 }] }) { id } }', {
      headers: identityHeaders('6'),
    });
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
  });
});
