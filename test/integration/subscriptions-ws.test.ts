import { startStack, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';
import { CANCEL, ORDER_QUERY, ORDER_STATUS, upstreamsLive, usersWithPendingOrders } from '../helpers/subscription-fixtures';
import { subscribe, wsClient } from '../helpers/ws-client';

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
