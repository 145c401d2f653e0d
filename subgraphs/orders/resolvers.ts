import { actingUserId, assertMayAccessUser, pageSize } from '../shared/args';
import { findProduct, type Product } from '../shared/catalog';
import type { SubgraphContext } from '../shared/context';
import type { SubgraphResolvers } from '../shared/definition';
import { subgraphError } from '../shared/errors';
import { idempotent, type IdempotencyStore } from '../shared/idempotency';
import { createByKeyLoader, createUserListLoader } from '../shared/loaders';
import type { OrderEvents } from './events';
import type { OrderProgression } from './progression';
import type { OrderRecord, OrdersStore } from './store';

export function createOrdersLoaders(store: OrdersStore) {
  return {
    orderById: createByKeyLoader((ids) => store.byIds(ids), (order: OrderRecord) => order.id),
    ordersByUser: createUserListLoader((userIds, first) => store.listByUsers(userIds, first)),
  };
}

export type OrdersLoaders = ReturnType<typeof createOrdersLoaders>;
type Context = SubgraphContext<OrdersLoaders>;

interface PlaceOrderInput {
  userId?: string | null;
  items: ReadonlyArray<{ sku: string; quantity: number }>;
}

export interface OrdersResolverDeps {
  events: OrderEvents;
  progression: OrderProgression;
  idempotency: IdempotencyStore;
}

export function createOrdersResolvers(store: OrdersStore, { events, progression, idempotency }: OrdersResolverDeps): SubgraphResolvers<OrdersLoaders> {
  return {
    Query: {
      order: async (_: unknown, args: { id: string }, ctx: Context) => ownOrder(await ctx.loaders.orderById.load(args.id), ctx),
    },
    Mutation: {
      // A repeat under the caller's Idempotency-Key returns the first order instead of placing another.
      placeOrder: idempotent(idempotency, async (_: unknown, { input }: { input: PlaceOrderInput }, ctx: Context) => {
        const userId = actingUserId(input.userId, ctx.principal);
        const order = await store.place({ userId, lines: priceLines(input.items) });
        ctx.loaders.ordersByUser.clearAll();
        ctx.log.debug({ orderId: order.id, userId }, 'order placed');
        await events.changed(order);
        progression.start(order);
        return order;
      }),
      cancelOrder: async (_: unknown, args: { id: string }, ctx: Context) => {
        const order = ownOrder(await ctx.loaders.orderById.load(args.id), ctx);
        if (!order) throw subgraphError('NOT_FOUND', `No order ${args.id}`);
        if (order.status !== 'PENDING') throw subgraphError('BAD_USER_INPUT', 'Only a PENDING order can be cancelled', { field: 'id', status: order.status });
        const cancelled = (await store.setStatus(order.id, 'CANCELLED')) ?? order;
        ctx.log.debug({ orderId: order.id }, 'order cancelled');
        await events.changed(cancelled);
        return cancelled;
      },
    },
    Subscription: {
      orderStatusChanged: {
        // Another user's orders need `admin` (FORBIDDEN otherwise), as for every per-user field.
        subscribe: (_: unknown, args: { userId?: string | null }, ctx: Context) => events.stream(actingUserId(args.userId, ctx.principal)),
        resolve: (order: OrderRecord) => order,
      },
    },
    User: {
      orders: (user: { id: string }, args: { first?: number | null }, ctx: Context) => {
        assertMayAccessUser(ctx.principal, user.id);
        return ctx.loaders.ordersByUser.load({ userId: user.id, first: pageSize(args.first) });
      },
    },
    Order: {
      __resolveReference: async (ref: { id: string }, ctx: Context) => ownOrder(await ctx.loaders.orderById.load(ref.id), ctx),
    },
  };
}

/** An order is visible to its buyer and to admins; an unknown order stays null. */
function ownOrder(order: OrderRecord | null | undefined, ctx: Context): OrderRecord | null {
  if (!order) return null;
  assertMayAccessUser(ctx.principal, order.userId);
  return order;
}

/** Validates the lines and looks their products up; the first problem → BAD_USER_INPUT. */
function priceLines(items: PlaceOrderInput['items']): Array<{ product: Product; quantity: number }> {
  if (items.length === 0) {
    throw subgraphError('BAD_USER_INPUT', 'An order needs at least one item', { field: 'items' });
  }
  return items.map(({ sku, quantity }, index) => {
    if (quantity <= 0) {
      throw subgraphError('BAD_USER_INPUT', 'quantity must be > 0', { field: `items[${index}].quantity` });
    }
    const product = findProduct(sku);
    if (!product) throw subgraphError('BAD_USER_INPUT', `Unknown sku ${sku}`, { field: `items[${index}].sku` });
    return { product, quantity };
  });
}
