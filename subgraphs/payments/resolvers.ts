import { assertMayAccessUser, pageSize } from '../shared/args';
import type { SubgraphContext } from '../shared/context';
import type { SubgraphResolvers } from '../shared/definition';
import { createByKeyLoader, createByUserLoader, createUserListLoader } from '../shared/loaders';
import type { PaymentMethodRecord, PaymentRecord, PaymentsStore } from './store';

export function createPaymentsLoaders(store: PaymentsStore) {
  return {
    paymentById: createByKeyLoader((ids) => store.byIds(ids), (payment: PaymentRecord) => payment.id),
    paymentByOrderId: createByKeyLoader((ids) => store.byOrderIds(ids), (payment: PaymentRecord) => payment.orderId),
    paymentsByUser: createUserListLoader((userIds, first) => store.listByUsers(userIds, first)),
    methodsByUser: createByUserLoader<readonly PaymentMethodRecord[]>((userIds) => store.methodsByUsers(userIds), []),
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;
type Context = SubgraphContext<PaymentsLoaders>;

export function createPaymentsResolvers(): SubgraphResolvers<PaymentsLoaders> {
  return {
    User: {
      payments: (user: { id: string }, args: { first?: number | null }, ctx: Context) => {
        assertMayAccessUser(ctx.principal, user.id);
        return ctx.loaders.paymentsByUser.load({ userId: user.id, first: pageSize(args.first) });
      },
      paymentMethods: (user: { id: string }, _: unknown, ctx: Context) => {
        assertMayAccessUser(ctx.principal, user.id);
        return ctx.loaders.methodsByUser.load(user.id);
      },
    },
    Order: {
      payment: async (order: { id: string }, _: unknown, ctx: Context) => ownPayment(await ctx.loaders.paymentByOrderId.load(order.id), ctx),
    },
    Payment: {
      __resolveReference: async (ref: { id: string }, ctx: Context) => ownPayment(await ctx.loaders.paymentById.load(ref.id), ctx),
    },
  };
}

/** A payment is visible to its payer and to admins; a missing one stays null. */
function ownPayment(payment: PaymentRecord | null | undefined, ctx: Context): PaymentRecord | null {
  if (!payment) return null;
  assertMayAccessUser(ctx.principal, payment.userId);
  return payment;
}
