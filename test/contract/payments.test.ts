import { createSubgraph } from '../../subgraphs/registry';
import { seededUserIds } from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { resolveEntities } from './graphql-client';

interface Order {
  id: string;
  total: number;
  currency: string;
  status: string;
}
interface Payment {
  id: string;
  amount: number;
  currency: string;
  status: string;
  createdAt: string;
}

describe('payments subgraph', () => {
  let orders: SubgraphHandle;
  let payments: SubgraphHandle;

  beforeAll(async () => {
    [orders, payments] = await Promise.all([
      startSubgraph(createSubgraph('orders'), { logLevel: 'silent' }),
      startSubgraph(createSubgraph('payments'), { logLevel: 'silent' }),
    ]);
  });
  afterAll(() => Promise.all([orders.stop(), payments.stop()]));

  it('when the orders subgraph lists seeded orders, then the payments subgraph has one payment per order with amount == total', async () => {
    // Arrange
    const userIds = seededUserIds(25);
    const listed = await resolveEntities<{ orders: Order[] }>(orders.url, 'User', userIds, 'orders(first: 100) { id total currency status }');
    expect(listed.errors).toBeUndefined();
    expect(listed.data?._entities).toHaveLength(userIds.length);
    const seededOrders = (listed.data?._entities ?? []).flatMap((user) => user?.orders ?? []);

    // Act
    const joined = await resolveEntities<{ id: string; payment: Payment | null }>(
      payments.url,
      'Order',
      seededOrders.map((order) => order.id),
      'id payment { id amount currency status }',
    );

    // Assert
    expect(seededOrders.length).toBeGreaterThanOrEqual(2 * userIds.length);
    expect(joined.errors).toBeUndefined();
    const paymentsByOrder = joined.data?._entities ?? [];
    expect(paymentsByOrder).toHaveLength(seededOrders.length);
    seededOrders.forEach((order, index) => {
      const payment = paymentsByOrder[index]?.payment;
      expect(payment).toMatchObject({ id: `p-${order.id.slice(2)}`, amount: order.total, currency: order.currency });
    });
  });

  it('when a user has payments, then User.payments lists them newest first', async () => {
    // Act
    const { data, errors } = await resolveEntities<{ payments: Payment[] }>(payments.url, 'User', ['1'], 'payments(first: 100) { createdAt }');

    // Assert
    expect(errors).toBeUndefined();
    const createdAt = (data?._entities[0]?.payments ?? []).map((payment) => payment.createdAt);
    expect(createdAt.length).toBeGreaterThanOrEqual(2);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
  });

  it('when a user is seeded, then they have 1–3 payment methods', async () => {
    // Act
    const { data, errors } = await resolveEntities<{ paymentMethods: unknown[] }>(payments.url, 'User', ['1', '2', '3'], 'paymentMethods { id last4 }');

    // Assert
    expect(errors).toBeUndefined();
    expect(data?._entities).toHaveLength(3);
    for (const user of data?._entities ?? []) {
      expect(user?.paymentMethods.length).toBeGreaterThanOrEqual(1);
      expect(user?.paymentMethods.length).toBeLessThanOrEqual(3);
    }
  });
});
