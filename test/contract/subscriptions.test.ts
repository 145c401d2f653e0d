import WebSocket from 'ws';
import { createSubgraph } from '../../subgraphs/registry';
import { seedOrdersForUser } from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { identityHeaders } from '../helpers/tokens';
import { subscribe, until, wsClient } from '../helpers/ws-client';
import { graphql } from './graphql-client';

const STATUS = 'subscription S($userId: ID) { orderStatusChanged(userId: $userId) { id status total } }';

/** A user with a seeded PENDING order (the only status cancelOrder accepts). */
function pendingOrder(): { userId: string; orderId: string } {
  for (let n = 1; n < 200; n += 1) {
    const order = seedOrdersForUser(String(n)).find((o) => o.status === 'PENDING');
    if (order) return { userId: String(n), orderId: order.id };
  }
  throw new Error('no seeded PENDING order');
}

/** Subgraphs serve subscriptions over graphql-transport-ws, to gateways only. */
describe('subgraph subscriptions over WebSocket', () => {
  let orders: SubgraphHandle;
  let reviews: SubgraphHandle;

  beforeAll(async () => {
    [orders, reviews] = await Promise.all([
      startSubgraph(createSubgraph('orders', { orderProgressionMs: 200 }), { logLevel: 'silent' }),
      startSubgraph(createSubgraph('reviews'), { logLevel: 'silent' }),
    ]);
  });
  afterAll(() => Promise.all([orders.stop(), reviews.stop()]));

  it('when the upgrade carries no signed identity, then it is refused with 401', async () => {
    // Act
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(orders.url.replace('http', 'ws'), 'graphql-transport-ws');
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });

    // Assert
    expect(status).toBe(401);
  });

  it('when the buyer cancels a PENDING order, then the subscription emits it CANCELLED', async () => {
    // Arrange
    const { userId, orderId } = pendingOrder();
    const client = wsClient(orders.url, { headers: identityHeaders(userId) });
    const sub = subscribe(client, { query: STATUS, extensions: { identity: identityHeaders(userId) } });
    await until(() => orders.openSubscriptions() === 1, 'the subscription to be live');

    // Act
    const cancel = await graphql(orders.url, `mutation { cancelOrder(id: "${orderId}") { status } }`, { headers: identityHeaders(userId) });
    const [event] = await sub.results(1);

    // Assert
    expect(cancel.errors).toBeUndefined();
    expect(event?.data).toEqual({ orderStatusChanged: expect.objectContaining({ id: orderId, status: 'CANCELLED' }) });
    sub.unsubscribe();
    await until(() => orders.openSubscriptions() === 0, 'the subscription to end');
    await client.dispose();
  });

  it('when the order is not PENDING, then cancelOrder is BAD_USER_INPUT', async () => {
    // Arrange
    const order = seedOrdersForUser('3').find((o) => o.status !== 'PENDING' && o.status !== 'CANCELLED');
    if (!order) throw new Error('no seeded non-PENDING order');

    // Act
    const { errors } = await graphql(orders.url, `mutation { cancelOrder(id: "${order.id}") { status } }`, { headers: identityHeaders('3') });

    // Assert
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('when a placed order progresses, then each status change is emitted in order', async () => {
    // Arrange
    const client = wsClient(orders.url, { headers: identityHeaders('7') });
    const sub = subscribe(client, { query: STATUS, extensions: { identity: identityHeaders('7') } });
    await until(() => orders.openSubscriptions() === 1, 'the subscription to be live');

    // Act
    await graphql(orders.url, 'mutation { placeOrder(input: { items: [{ sku: "SKU-001", quantity: 1 }] }) { id } }', { headers: identityHeaders('7') });
    const events = await sub.results(4);

    // Assert
    expect(events.map((e) => (e.data?.orderStatusChanged as { status: string }).status)).toEqual(['PENDING', 'PAID', 'SHIPPED', 'DELIVERED']);
    await client.dispose();
  });

  it('when a caller subscribes to another user\'s orders, then the result is FORBIDDEN', async () => {
    // Arrange
    const client = wsClient(orders.url, { headers: identityHeaders('8') });

    // Act
    const sub = subscribe(client, { query: STATUS, variables: { userId: '9' }, extensions: { identity: identityHeaders('8') } });
    await sub.ended();

    // Assert
    expect(sub.received[0]?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await client.dispose();
  });

  it('when a review is added, then reviewAdded emits it to subscribers of its product only', async () => {
    // Arrange
    const client = wsClient(reviews.url, { headers: identityHeaders(null) });
    const mine = subscribe(client, { query: 'subscription { reviewAdded(productSku: "SKU-002") { productSku rating author { id } } }' });
    const other = subscribe(client, { query: 'subscription { reviewAdded(productSku: "SKU-003") { productSku } }' });
    await until(() => reviews.openSubscriptions() === 2, 'both subscriptions to be live');

    // Act
    await graphql(reviews.url, 'mutation { addReview(input: { productSku: "SKU-002", rating: 4, body: "ok" }) { id } }', { headers: identityHeaders('4') });
    const [event] = await mine.results(1);

    // Assert
    expect(event?.data).toEqual({ reviewAdded: { productSku: 'SKU-002', rating: 4, author: { id: '4' } } });
    expect(other.received).toHaveLength(0);
    await client.dispose();
  });
});
