import { PRODUCT_CATALOG } from '../../subgraphs/shared/catalog';
import {
  mulberry32,
  paymentStatusForOrder,
  seededUserIds,
  seedOrdersForUser,
  seedPaymentForOrder,
  seedPaymentMethodsForUser,
  seedReviewsForUser,
  seedUser,
  seedWishlistForUser,
} from '../../subgraphs/shared/seed';

const SAMPLE_USERS = seededUserIds(200);
const cents = (amount: number): number => Math.round(amount * 100);

describe('mulberry32', () => {
  it('when seeded twice with the same number, then it yields the same sequence', () => {
    // Arrange
    const a = mulberry32(42);
    const b = mulberry32(42);

    // Act
    const first = Array.from({ length: 5 }, a);
    const second = Array.from({ length: 5 }, b);

    // Assert
    expect(first).toEqual(second);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('when seeded with different numbers, then the sequences differ', () => {
    // Act / Assert
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});

describe('seed data', () => {
  it('when every generator runs twice, then both runs are equal', () => {
    // Arrange
    const generate = () =>
      SAMPLE_USERS.map((id) => ({
        user: seedUser(id),
        orders: seedOrdersForUser(id),
        methods: seedPaymentMethodsForUser(id),
        wishlist: seedWishlistForUser(id),
        reviews: seedReviewsForUser(id),
      }));

    // Act
    const first = generate();
    const second = generate();

    // Assert
    expect(second).toEqual(first);
  });

  it('when users are seeded, then ids are "1".."N" and emails are unique', () => {
    // Act
    const users = seededUserIds(1000).map(seedUser);

    // Assert
    expect(users[0]?.id).toBe('1');
    expect(users[999]?.id).toBe('1000');
    expect(new Set(users.map((user) => user.email)).size).toBe(1000);
    expect(users.every((user) => new Date(user.createdAt).toISOString() === user.createdAt)).toBe(true);
  });

  it('when orders are seeded, then each user has 2–8, numbered oldest first, totals equal their items', () => {
    for (const userId of SAMPLE_USERS) {
      // Act
      const orders = seedOrdersForUser(userId);

      // Assert
      expect(orders.length).toBeGreaterThanOrEqual(2);
      expect(orders.length).toBeLessThanOrEqual(8);
      expect(orders.map((order) => order.id)).toEqual(orders.map((_, index) => `o-${userId}-${index + 1}`));
      const times = orders.map((order) => order.createdAt);
      expect(times).toEqual([...times].sort());
      expect(new Set(times).size).toBe(times.length);
      for (const order of orders) {
        const itemCents = order.items.reduce((sum, item) => sum + item.quantity * cents(item.unitPrice), 0);
        expect(cents(order.total)).toBe(itemCents);
        expect(order.total).toBe(itemCents / 100);
      }
    }
  });

  it('when every order has its payment seeded, then amount and currency equal the order and ids match', () => {
    for (const order of SAMPLE_USERS.flatMap(seedOrdersForUser)) {
      // Act
      const payment = seedPaymentForOrder(order);

      // Assert
      expect(payment).toMatchObject({
        id: `p-${order.id.slice(2)}`,
        orderId: order.id,
        userId: order.userId,
        amount: order.total,
        currency: order.currency,
        status: paymentStatusForOrder(order.status),
      });
      expect(Date.parse(payment.createdAt)).toBeGreaterThan(Date.parse(order.createdAt));
    }
  });

  it.each([
    ['PENDING', 'PENDING'],
    ['PAID', 'SUCCEEDED'],
    ['SHIPPED', 'SUCCEEDED'],
    ['DELIVERED', 'SUCCEEDED'],
    ['CANCELLED', 'REFUNDED'],
  ] as const)('when an order is %s, then its payment is %s', (orderStatus, paymentStatus) => {
    // Act / Assert
    expect(paymentStatusForOrder(orderStatus)).toBe(paymentStatus);
  });

  it('when payment methods, wishlists and reviews are seeded, then counts and values stay in range', () => {
    for (const userId of SAMPLE_USERS) {
      // Act
      const methods = seedPaymentMethodsForUser(userId);
      const wishlist = seedWishlistForUser(userId);
      const reviews = seedReviewsForUser(userId);

      // Assert
      expect(methods.length).toBeGreaterThanOrEqual(1);
      expect(methods.length).toBeLessThanOrEqual(3);
      expect(methods.every((method) => /^\d{4}$/.test(method.last4) && method.expMonth >= 1 && method.expMonth <= 12)).toBe(true);
      expect(wishlist.length).toBeLessThanOrEqual(10);
      expect(new Set(wishlist.map((item) => item.sku)).size).toBe(wishlist.length);
      expect(reviews.length).toBeLessThanOrEqual(6);
      expect(reviews.every((review) => review.rating >= 1 && review.rating <= 5)).toBe(true);
    }
  });

  it('when the catalog is read, then skus are unique and prices are whole cents', () => {
    // Act
    const skus = PRODUCT_CATALOG.map((product) => product.sku);

    // Assert
    expect(new Set(skus).size).toBe(skus.length);
    expect(PRODUCT_CATALOG.every((product) => Number.isInteger(product.unitPriceCents))).toBe(true);
  });
});
