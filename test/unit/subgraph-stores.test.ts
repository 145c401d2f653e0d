import { OrdersStore } from '../../subgraphs/orders/store';
import { PaymentsStore } from '../../subgraphs/payments/store';
import { ReviewsStore } from '../../subgraphs/reviews/store';
import { findProduct } from '../../subgraphs/shared/catalog';
import { seedOrdersForUser, seedReviewsForUser, seedWishlistForUser } from '../../subgraphs/shared/seed';
import { UsersStore } from '../../subgraphs/users/store';
import { WishlistStore } from '../../subgraphs/wishlist/store';

const NOW = new Date('2026-01-02T03:04:05.000Z');
const now = (): Date => NOW;

function product(sku: string) {
  const found = findProduct(sku);
  if (!found) throw new Error(`no product ${sku}`);
  return found;
}

describe('UsersStore', () => {
  const store = new UsersStore({ seedUsers: 25 });

  it('when byIds gets known and unknown ids, then it returns only the known users', async () => {
    // Act
    const users = await store.byIds(['3', 'nope', '1']);

    // Assert
    expect(users.map((user) => user.id).sort()).toEqual(['1', '3']);
  });

  it('when paging after a user, then the page starts with the next id and reports more pages', async () => {
    // Act
    const page = await store.page('10', 5);

    // Assert
    expect(page?.users.map((user) => user.id)).toEqual(['11', '12', '13', '14', '15']);
    expect(page?.hasNextPage).toBe(true);
  });

  it('when the page reaches the end, then hasNextPage is false', async () => {
    // Act
    const page = await store.page('20', 5);

    // Assert
    expect(page?.users.map((user) => user.id)).toEqual(['21', '22', '23', '24', '25']);
    expect(page?.hasNextPage).toBe(false);
  });

  it('when after names no user, then page is undefined', async () => {
    // Act / Assert
    expect(await store.page('999', 5)).toBeUndefined();
  });
});

describe('OrdersStore', () => {
  it('when two stores are seeded, then they hold equal data regardless of seedUsers', async () => {
    // Arrange
    const small = new OrdersStore({ seedUsers: 5 });
    const large = new OrdersStore({ seedUsers: 1000 });

    // Act
    const [a, b] = await Promise.all([small.listByUsers(['1', '5'], 100), large.listByUsers(['1', '5'], 100)]);

    // Assert
    expect(a).toEqual(b);
  });

  it('when listing a user, then orders are newest first and cut at first', async () => {
    // Arrange
    const store = new OrdersStore({ seedUsers: 10 });

    // Act
    const lists = await store.listByUsers(['1', 'unknown'], 2);

    // Assert
    const newest = [...seedOrdersForUser('1')].reverse().slice(0, 2);
    expect(lists.get('1')).toEqual(newest);
    expect(lists.get('unknown')).toEqual([]);
  });

  it('when an order is placed, then it gets the next id, a cent-exact total and is listed first', async () => {
    // Arrange
    const store = new OrdersStore({ seedUsers: 10, now });
    const seededCount = seedOrdersForUser('4').length;

    // Act
    const order = await store.place({
      userId: '4',
      lines: [
        { product: product('SKU-005'), quantity: 3 },
        { product: product('SKU-001'), quantity: 1 },
      ],
    });

    // Assert
    expect(order).toMatchObject({ id: `o-4-${seededCount + 1}`, total: 45.96, status: 'PENDING', createdAt: NOW.toISOString() });
    expect((await store.listByUsers(['4'], 1)).get('4')).toEqual([order]);
    expect(await store.byIds([order.id])).toEqual([order]);
  });
});

describe('PaymentsStore', () => {
  const store = new PaymentsStore({ seedUsers: 10 });

  it('when payments are looked up by order id, then each amount equals the order total', async () => {
    // Arrange
    const orders = seedOrdersForUser('2');

    // Act
    const payments = await store.byOrderIds(orders.map((order) => order.id));

    // Assert
    expect(payments).toHaveLength(orders.length);
    for (const order of orders) {
      expect(payments.find((payment) => payment.orderId === order.id)?.amount).toBe(order.total);
    }
  });

  it('when an order is not seeded, then byOrderIds skips it', async () => {
    // Act / Assert
    expect(await store.byOrderIds(['o-2-99', 'o-11-1'])).toEqual([]);
  });
});

describe('WishlistStore', () => {
  it('when an item is added and removed, then counts follow and ids are never reused', async () => {
    // Arrange
    const store = new WishlistStore({ seedUsers: 10, now });
    const userId = '1';
    const seeded = seedWishlistForUser(userId).length;
    const sku = ['SKU-020', 'SKU-021', 'SKU-022', 'SKU-023', 'SKU-024'].find(
      (candidate) => !seedWishlistForUser(userId).some((item) => item.sku === candidate),
    ) as string;

    // Act
    const added = await store.add(userId, sku, 'Thing');
    const afterAdd = (await store.countByUsers([userId])).get(userId);
    const removed = await store.remove(userId, added.id);
    const again = await store.add(userId, sku, 'Thing');

    // Assert
    expect(added).toEqual({ id: `w-1-${seeded + 1}`, userId, sku, name: 'Thing', addedAt: NOW.toISOString() });
    expect(afterAdd).toBe(seeded + 1);
    expect(removed).toBe(true);
    expect(again.id).toBe(`w-1-${seeded + 2}`);
    expect(await store.remove(userId, 'w-1-999')).toBe(false);
  });
});

describe('ReviewsStore', () => {
  it('when a review is added, then stats include it', async () => {
    // Arrange
    const store = new ReviewsStore({ seedUsers: 10, now });
    const ratings = seedReviewsForUser('3').map((review) => review.rating);

    // Act
    await store.add({ userId: '3', productSku: 'SKU-001', rating: 1, body: 'meh' });
    const stats = (await store.statsByUsers(['3', 'nobody']));

    // Assert
    expect(stats.get('3')).toEqual({
      count: ratings.length + 1,
      averageRating: (ratings.reduce((a, b) => a + b, 0) + 1) / (ratings.length + 1),
    });
    expect(stats.get('nobody')).toEqual({ count: 0, averageRating: null });
  });
});
