import { createSubgraph } from '../../subgraphs/registry';
import { seedOrdersForUser } from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { identityHeaders } from '../helpers/tokens';
import { graphql, resolveEntities } from './graphql-client';

const PLACE_ORDER = `mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id total currency status createdAt items { sku name quantity unitPrice } }
}`;

interface Order {
  id: string;
  total: number;
  status: string;
  createdAt: string;
}

describe('orders subgraph', () => {
  let handle: SubgraphHandle;

  beforeAll(async () => {
    handle = await startSubgraph(createSubgraph('orders'), { logLevel: 'silent' });
  });
  afterAll(() => handle.stop());

  it('when a user has orders, then User.orders lists them newest first', async () => {
    // Act
    const { data } = await resolveEntities<{ orders: Order[] }>(handle.url, 'User', ['1'], 'orders(first: 100) { id createdAt }');

    // Assert
    const orders = data?._entities[0]?.orders ?? [];
    const createdAt = orders.map((order) => order.createdAt);
    expect(orders).toHaveLength(seedOrdersForUser('1').length);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
    expect(new Set(createdAt).size).toBe(createdAt.length);
  });

  it('when first is smaller than the number of orders, then only the newest first are returned', async () => {
    // Act
    const { data } = await resolveEntities<{ orders: Order[] }>(handle.url, 'User', ['1'], 'orders(first: 1) { id }');

    // Assert
    const seeded = seedOrdersForUser('1');
    expect(data?._entities[0]?.orders).toEqual([{ id: seeded.at(-1)?.id }]);
  });

  it('when a valid order is placed, then it is PENDING, priced from the catalog, and the newest order', async () => {
    // Arrange
    const userId = '2';
    const seededCount = seedOrdersForUser(userId).length;

    // Act
    const placed = await graphql<{ placeOrder: Order }>(handle.url, PLACE_ORDER, {
      variables: { input: { userId, items: [{ sku: 'SKU-001', quantity: 2 }, { sku: 'SKU-003', quantity: 1 }] } },
    });
    const listed = await resolveEntities<{ orders: Order[] }>(handle.url, 'User', [userId], 'orders(first: 1) { id }');

    // Assert
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.placeOrder).toMatchObject({
      id: `o-${userId}-${seededCount + 1}`,
      total: 64.48, // 2 × 24.99 + 14.50, summed in cents (floats would give 64.479999…)
      currency: 'USD',
      status: 'PENDING',
      items: [
        { sku: 'SKU-001', name: 'Espresso Beans 1kg', quantity: 2, unitPrice: 24.99 },
        { sku: 'SKU-003', name: 'Ceramic Mug', quantity: 1, unitPrice: 14.5 },
      ],
    });
    expect(listed.data?._entities[0]?.orders).toEqual([{ id: placed.data?.placeOrder.id }]);
    const fetched = await graphql(handle.url, `{ order(id: "${placed.data?.placeOrder.id}") { id status } }`);
    expect(fetched.data).toEqual({ order: { id: placed.data?.placeOrder.id, status: 'PENDING' } });
  });

  it('when userId is omitted, then the order is placed for the caller', async () => {
    // Act
    const { data } = await graphql<{ placeOrder: Order }>(handle.url, PLACE_ORDER, {
      variables: { input: { items: [{ sku: 'SKU-002', quantity: 1 }] } },
      headers: identityHeaders('3'),
    });

    // Assert
    expect(data?.placeOrder.id).toMatch(/^o-3-\d+$/);
  });

  it.each([
    ['there are no items', { userId: '1', items: [] }, {}],
    ['a quantity is 0', { userId: '1', items: [{ sku: 'SKU-001', quantity: 0 }] }, {}],
    ['a quantity is negative', { userId: '1', items: [{ sku: 'SKU-001', quantity: -2 }] }, {}],
    ['a sku is not in the catalog', { userId: '1', items: [{ sku: 'NOPE', quantity: 1 }] }, {}],
    ['there is neither userId nor caller', { items: [{ sku: 'SKU-001', quantity: 1 }] }, { identity: 'anonymous' as const }],
  ])('when %s, then placeOrder fails with BAD_USER_INPUT', async (_situation, input, options: { identity?: 'anonymous' }) => {
    // Act
    const { data, errors } = await graphql(handle.url, PLACE_ORDER, { variables: { input }, ...options });

    // Assert
    expect(data).toBeNull();
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('when order(id) names no order, then it is null without an error', async () => {
    // Act
    const { data, errors } = await graphql(handle.url, '{ order(id: "o-1-999") { id } }');

    // Assert
    expect(errors).toBeUndefined();
    expect(data).toEqual({ order: null });
  });
});
