/**
 * Deterministic seed data shared by every subgraph.
 *
 * Each record set is a pure function of (domain, userId): its PRNG is seeded from the string
 * `<domain>:<userId>`, so a user's data is identical in every process, for every SEED_USERS value, and
 * two subgraphs that need the same facts (orders and payments both need a user's orders) compute them
 * from this module instead of importing each other.
 */
import { centsToAmount, PRODUCT_CATALOG } from './catalog';

/** @default 1000 users, ids "1".."1000". */
export const DEFAULT_SEED_USERS = 1000;

export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

export interface UserRecord { id: string; name: string; email: string; createdAt: string }
export interface OrderItemRecord { sku: string; name: string; quantity: number; unitPrice: number }
export interface OrderRecord {
  id: string;
  userId: string;
  /** Sum of quantity × unitPrice, computed in cents then rounded to 2 decimals. */
  total: number;
  currency: string;
  status: OrderStatus;
  createdAt: string;
  items: OrderItemRecord[];
}
export interface PaymentRecord {
  id: string;
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  createdAt: string;
}
export interface PaymentMethodRecord { id: string; userId: string; brand: string; last4: string; expMonth: number; expYear: number }
export interface WishlistItemRecord { id: string; userId: string; sku: string; name: string; addedAt: string }
export interface ReviewRecord { id: string; userId: string; productSku: string; rating: number; body: string; createdAt: string }

// ---------------------------------------------------------------------------------------------- PRNG

/** mulberry32: a tiny 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash, used to turn `<domain>:<userId>` into a PRNG seed. */
export function hashString(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface Rng {
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
}

export function createRng(key: string): Rng {
  const next = mulberry32(hashString(key));
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick() from an empty list');
    return item;
  };
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const pool = [...items];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = int(0, i);
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, Math.min(count, pool.length));
  };
  return { int, pick, sample };
}

// ------------------------------------------------------------------------------------------- users

/** `["1", "2", …, String(count)]`. */
export function seededUserIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(index + 1));
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const USERS_SINCE_MS = Date.UTC(2022, 0, 1);
/** Orders, payments, wishlist items and reviews all happen in 2024–early 2025, after every signup. */
const ACTIVITY_SINCE_MS = Date.UTC(2024, 0, 1);

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'John'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Allen', 'Backus'];

export function seedUser(id: string): UserRecord {
  const rng = createRng(`user:${id}`);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const createdAtMs = USERS_SINCE_MS + rng.int(0, 729) * DAY_MS + rng.int(0, 23) * HOUR_MS;
  return {
    id,
    name: `${first} ${last}`,
    email: `${first}.${last}.${id}@example.com`.toLowerCase(),
    createdAt: new Date(createdAtMs).toISOString(),
  };
}

/** Strictly increasing timestamps (oldest first), 1–45 days apart, starting in the first 120 days of 2024. */
function activityTimes(rng: Rng, count: number): string[] {
  let ms = ACTIVITY_SINCE_MS + rng.int(0, 119) * DAY_MS;
  return Array.from({ length: count }, () => {
    ms += rng.int(1, 45) * DAY_MS + rng.int(0, 23) * HOUR_MS;
    return new Date(ms).toISOString();
  });
}

// ------------------------------------------------------------------------------------------ orders

const ORDER_STATUS_WEIGHTS: ReadonlyArray<OrderStatus> = [
  'DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED',
  'SHIPPED', 'SHIPPED', 'PAID', 'PENDING', 'CANCELLED',
];

/** `o-<userId>-<n>`; n counts from 1 in creation order. */
export function orderId(userId: string, n: number): string {
  return `o-${userId}-${n}`;
}

/** A user's 2–8 seeded orders, oldest first (`o-<user>-1` is the oldest), all in USD. */
export function seedOrdersForUser(userId: string): OrderRecord[] {
  const rng = createRng(`orders:${userId}`);
  const times = activityTimes(rng, rng.int(2, 8));
  return times.map((createdAt, index) => {
    const items = rng.sample(PRODUCT_CATALOG, rng.int(1, 4)).map((product) => ({
      product,
      quantity: rng.int(1, 3),
    }));
    const totalCents = items.reduce((sum, { product, quantity }) => sum + product.unitPriceCents * quantity, 0);
    return {
      id: orderId(userId, index + 1),
      userId,
      total: centsToAmount(totalCents),
      currency: 'USD',
      status: rng.pick(ORDER_STATUS_WEIGHTS),
      createdAt,
      items: items.map(({ product, quantity }) => ({
        sku: product.sku,
        name: product.name,
        quantity,
        unitPrice: centsToAmount(product.unitPriceCents),
      })),
    };
  });
}

// ---------------------------------------------------------------------------------------- payments

/** `o-<user>-<n>` → `p-<user>-<n>`. */
export function paymentIdForOrderId(forOrderId: string): string {
  return `p-${forOrderId.slice(2)}`;
}

const PAYMENT_DELAY_MS = 30_000;

/** PENDING → PENDING, CANCELLED → REFUNDED, every other order status → SUCCEEDED. */
export function paymentStatusForOrder(status: OrderStatus): PaymentStatus {
  if (status === 'PENDING') return 'PENDING';
  if (status === 'CANCELLED') return 'REFUNDED';
  return 'SUCCEEDED';
}

/** Exactly one payment per seeded order: same amount and currency, created 30 s after the order. */
export function seedPaymentForOrder(order: OrderRecord): PaymentRecord {
  return {
    id: paymentIdForOrderId(order.id),
    orderId: order.id,
    userId: order.userId,
    amount: order.total,
    currency: order.currency,
    status: paymentStatusForOrder(order.status),
    createdAt: new Date(Date.parse(order.createdAt) + PAYMENT_DELAY_MS).toISOString(),
  };
}

const CARD_BRANDS = ['Visa', 'Mastercard', 'Amex'] as const;

/** 1–3 cards, ids `pm-<user>-<n>`. */
export function seedPaymentMethodsForUser(userId: string): PaymentMethodRecord[] {
  const rng = createRng(`payment-methods:${userId}`);
  return Array.from({ length: rng.int(1, 3) }, (_, index) => ({
    id: `pm-${userId}-${index + 1}`,
    userId,
    brand: rng.pick(CARD_BRANDS),
    last4: String(rng.int(0, 9999)).padStart(4, '0'),
    expMonth: rng.int(1, 12),
    expYear: rng.int(2026, 2030),
  }));
}

// ---------------------------------------------------------------------------------------- wishlist

/** 0–10 items with distinct skus, oldest first, ids `w-<user>-<n>`. */
export function seedWishlistForUser(userId: string): WishlistItemRecord[] {
  const rng = createRng(`wishlist:${userId}`);
  const products = rng.sample(PRODUCT_CATALOG, rng.int(0, 10));
  const times = activityTimes(rng, products.length);
  return products.map((product, index) => ({
    id: `w-${userId}-${index + 1}`,
    userId,
    sku: product.sku,
    name: product.name,
    addedAt: times[index] ?? '',
  }));
}

// ----------------------------------------------------------------------------------------- reviews

const REVIEW_BODIES: Record<number, readonly string[]> = {
  1: ['Broke within a week.', 'Not as described.'],
  2: ['Disappointing for the price.', 'Works, barely.'],
  3: ['Does the job.', 'Fine, nothing special.'],
  4: ['Really good, would buy again.', 'Solid quality.'],
  5: ['Absolutely love it!', 'Best purchase this year.'],
};

/** 0–6 reviews, oldest first, ids `r-<user>-<n>`, ratings 1–5. */
export function seedReviewsForUser(userId: string): ReviewRecord[] {
  const rng = createRng(`reviews:${userId}`);
  const products = rng.sample(PRODUCT_CATALOG, rng.int(0, 6));
  const times = activityTimes(rng, products.length);
  return products.map((product, index) => {
    const rating = rng.int(1, 5);
    return {
      id: `r-${userId}-${index + 1}`,
      userId,
      productSku: product.sku,
      rating,
      body: rng.pick(REVIEW_BODIES[rating] ?? []),
      createdAt: times[index] ?? '',
    };
  });
}
