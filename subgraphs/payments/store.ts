/** Data access for payments and payment methods. No GraphQL here: resolvers.ts adapts it. */
import {
  seededUserIds,
  seedOrdersForUser,
  seedPaymentForOrder,
  seedPaymentMethodsForUser,
  type PaymentMethodRecord,
  type PaymentRecord,
} from '../shared/seed';
import { UserLists } from '../shared/user-lists';

export type { PaymentMethodRecord, PaymentRecord };

export class PaymentsStore {
  private readonly payments = new Map<string, PaymentRecord>();
  private readonly paymentByOrderId = new Map<string, PaymentRecord>();
  private readonly byUser = new UserLists<PaymentRecord>();
  private readonly methodsByUser = new Map<string, PaymentMethodRecord[]>();

  constructor({ seedUsers }: { seedUsers: number }) {
    for (const userId of seededUserIds(seedUsers)) {
      // The orders subgraph seeds from the same function, so every seeded order has exactly this payment.
      const payments = seedOrdersForUser(userId).map(seedPaymentForOrder);
      this.byUser.seed(userId, payments);
      for (const payment of payments) {
        this.payments.set(payment.id, payment);
        this.paymentByOrderId.set(payment.orderId, payment);
      }
      this.methodsByUser.set(userId, seedPaymentMethodsForUser(userId));
    }
  }

  /** The payments found among `ids`, in no particular order; unknown ids are skipped. */
  async byIds(ids: readonly string[]): Promise<PaymentRecord[]> {
    return ids.flatMap((id) => this.payments.get(id) ?? []);
  }

  /** The payments of the orders among `orderIds` that have one, in no particular order. */
  async byOrderIds(orderIds: readonly string[]): Promise<PaymentRecord[]> {
    return orderIds.flatMap((orderId) => this.paymentByOrderId.get(orderId) ?? []);
  }

  /** Each user's newest `first` payments, newest first; every requested user has an entry. */
  async listByUsers(userIds: readonly string[], first: number): Promise<Map<string, PaymentRecord[]>> {
    return this.byUser.pages(userIds, first);
  }

  /** Each user's cards in seed order; every requested user has an entry. */
  async methodsByUsers(userIds: readonly string[]): Promise<Map<string, PaymentMethodRecord[]>> {
    return new Map(userIds.map((userId) => [userId, this.methodsByUser.get(userId) ?? []]));
  }
}
