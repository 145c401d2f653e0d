/** Data access for orders. No GraphQL here: resolvers.ts adapts it. */
import { centsToAmount, type Product } from '../shared/catalog';
import { orderId, seededUserIds, seedOrdersForUser, type OrderRecord, type OrderStatus } from '../shared/seed';
import { UserLists } from '../shared/user-lists';

export type { OrderRecord, OrderStatus };

export interface NewOrder {
  userId: string;
  /** Already validated: known products, quantity > 0, at least one line. */
  lines: ReadonlyArray<{ product: Product; quantity: number }>;
}

export interface OrdersStoreOptions {
  seedUsers: number;
  /** Clock for orders placed at runtime. @default () => new Date() */
  now?: () => Date;
}

export class OrdersStore {
  private readonly orders = new Map<string, OrderRecord>();
  private readonly byUser = new UserLists<OrderRecord>();
  private readonly now: () => Date;

  constructor({ seedUsers, now = () => new Date() }: OrdersStoreOptions) {
    this.now = now;
    for (const userId of seededUserIds(seedUsers)) {
      const orders = seedOrdersForUser(userId);
      this.byUser.seed(userId, orders);
      for (const order of orders) this.orders.set(order.id, order);
    }
  }

  /** The orders found among `ids`, in no particular order; unknown ids are skipped. */
  async byIds(ids: readonly string[]): Promise<OrderRecord[]> {
    return ids.flatMap((id) => this.orders.get(id) ?? []);
  }

  /** Each user's newest `first` orders, newest first; every requested user has an entry. */
  async listByUsers(userIds: readonly string[], first: number): Promise<Map<string, OrderRecord[]>> {
    return this.byUser.pages(userIds, first);
  }

  /** Stores a PENDING order with id `o-<user>-<n>`, n one past the user's highest so far. */
  async place({ userId, lines }: NewOrder): Promise<OrderRecord> {
    const totalCents = lines.reduce((sum, { product, quantity }) => sum + product.unitPriceCents * quantity, 0);
    const order: OrderRecord = {
      id: orderId(userId, this.byUser.all(userId).length + 1),
      userId,
      total: centsToAmount(totalCents),
      currency: 'USD',
      status: 'PENDING',
      createdAt: this.now().toISOString(),
      items: lines.map(({ product, quantity }) => ({
        sku: product.sku,
        name: product.name,
        quantity,
        unitPrice: centsToAmount(product.unitPriceCents),
      })),
    };
    this.orders.set(order.id, order);
    this.byUser.addNewest(userId, order);
    return order;
  }

  /** Sets an order's status (in place: the per-user lists hold the same record); undefined for an unknown id. */
  async setStatus(id: string, status: OrderStatus): Promise<OrderRecord | undefined> {
    const order = this.orders.get(id);
    if (order) order.status = status;
    return order;
  }
}
