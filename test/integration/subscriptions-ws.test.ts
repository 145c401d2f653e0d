import { startStack, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';
import { CANCEL, ORDER_QUERY, ORDER_STATUS, upstreamsLive, usersWithPendingOrders } from '../helpers/subscription-fixtures';
import { sample } from '../helpers/prometheus';
import { subscribe, until, wsClient } from '../helpers/ws-client';

/** Federated subscriptions over graphql-transport-ws, with a real graphql-ws client. */
describe('subscriptions over WebSocket', () => {
  let stack: Stack;
  const [first, second] = usersWithPendingOrders(2);

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'orders', 'payments', 'reviews'] });
  });
  afterAll(() => stack.stop());
  // Each test counts live upstreams from zero.
  afterEach(() => upstreamsLive(stack.subgraphs.orders, 0));

  async function metricsText(): Promise<string> {
    return (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
  }

  it('when an order is cancelled, then the event equals what the equivalent query returns (enriched from payments)', async () => {
    // Arrange
    const { userId, orderId } = first!;
    const auth = await profileOwner(userId);
    const client = wsClient(stack.gatewayUrl, { connectionParams: { authorization: auth.authorization } });
    const sub = subscribe(client, { query: ORDER_STATUS });
    await upstreamsLive(stack.subgraphs.orders, 1);

    // Act
    const cancel = await stack.query(CANCEL, { id: orderId }, auth);
    const [event] = await sub.results(1);
    const query = await stack.query(ORDER_QUERY, { id: orderId }, auth);

    // Assert
    expect(cancel.body.errors).toBeUndefined();
    expect(event?.errors).toBeUndefined();
    expect(event?.data?.orderStatusChanged).toEqual(query.body.data?.order);
    expect(query.body.data?.order).toMatchObject({ status: 'CANCELLED', payment: { status: expect.any(String) } });
    await client.dispose();
  });

  it('when the caller lacks payments:read (filter mode), then payment is null with UNAUTHORIZED_FIELD_OR_TYPE in every event', async () => {
    // Arrange
    const { userId, orderId } = second!;
    const auth = await bearer(userId, 'orders:read');
    const client = wsClient(stack.gatewayUrl, { headers: auth });
    const sub = subscribe(client, { query: ORDER_STATUS });
    await upstreamsLive(stack.subgraphs.orders, 1);

    // Act
    await stack.query(CANCEL, { id: orderId }, auth);
    const [event] = await sub.results(1);

    // Assert
    expect(event?.data?.orderStatusChanged).toMatchObject({ id: orderId, status: 'CANCELLED', payment: null });
    expect(event?.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['UNAUTHORIZED_FIELD_OR_TYPE', ['orderStatusChanged', 'payment']]]);
    await client.dispose();
  });

  it('when an anonymous caller subscribes to an @authenticated field, then it gets null with UNAUTHORIZED_FIELD_OR_TYPE and the end', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl);

    // Act
    const sub = subscribe(client, { query: ORDER_STATUS });
    await sub.ended();

    // Assert
    expect(sub.completed).toBe(true);
    expect(sub.received[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    await client.dispose();
  });

  it('when one caller subscribes twice to the same thing, then one subgraph subscription serves both and the metrics show the sharing', async () => {
    // Arrange
    const auth = await bearer('19');
    const clients = [wsClient(stack.gatewayUrl, { headers: auth }), wsClient(stack.gatewayUrl, { headers: auth })];
    const subs = clients.map((c) => subscribe(c, { query: 'subscription { reviewAdded { id author { id } } }' }));
    await upstreamsLive(stack.subgraphs.reviews, 1);
    await until(async () => sample(await metricsText(), 'frontdoor_subscriptions_active', { protocol: 'ws', subgraph: 'reviews' }) === 2, 'two open subscriptions');

    // Act
    await stack.query('mutation { addReview(input: { productSku: "SKU-009", rating: 2, body: "meh" }) { id } }', {}, auth);
    const events = await Promise.all(subs.map((s) => s.results(1)));

    // Assert
    expect(events[0]).toEqual(events[1]);
    expect(events[0]?.[0]?.data).toEqual({ reviewAdded: { id: expect.any(String), author: { id: '19' } } });
    expect(sample(await metricsText(), 'frontdoor_subscription_upstreams_active', { subgraph: 'reviews' })).toBe(1);
    await Promise.all(clients.map((c) => c.dispose()));
    await upstreamsLive(stack.subgraphs.reviews, 0);
  });

  it('when a query is sent over the socket, then it is answered like over HTTP', async () => {
    // Arrange
    const client = wsClient(stack.gatewayUrl, { connectionParams: { Authorization: (await profileOwner('3')).authorization } });

    // Act
    const sub = subscribe(client, { query: '{ me { id } }' });
    await sub.ended();

    // Assert
    expect(sub.received.map((r) => r.data)).toEqual([{ me: { id: '3' } }]);
    expect(sub.completed).toBe(true);
    await client.dispose();
  });
});
