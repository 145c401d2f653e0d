import { assertMayAccessUser, pageSize } from '../shared/args';
import type { SubgraphContext } from '../shared/context';
import type { SubgraphResolvers } from '../shared/definition';
import { subgraphError } from '../shared/errors';
import { idempotent, type IdempotencyStore } from '../shared/idempotency';
import { createByUserLoader, createUserListLoader } from '../shared/loaders';
import type { WishlistStore } from './store';

export function createWishlistLoaders(store: WishlistStore) {
  return {
    countByUser: createByUserLoader((userIds) => store.countByUsers(userIds), 0),
    itemsByUser: createUserListLoader((userIds, first) => store.listByUsers(userIds, first)),
  };
}

export type WishlistLoaders = ReturnType<typeof createWishlistLoaders>;
type Context = SubgraphContext<WishlistLoaders>;

/** The parent of every Wishlist field: whose wishlist it is. */
interface WishlistRef {
  userId: string;
}

export function createWishlistResolvers(store: WishlistStore, idempotency: IdempotencyStore): SubgraphResolvers<WishlistLoaders> {
  /** A mutation changed this request's data: drop what the loaders cached before it. */
  const changed = (ctx: Context, userId: string): WishlistRef => {
    ctx.loaders.countByUser.clearAll();
    ctx.loaders.itemsByUser.clearAll();
    return { userId };
  };

  return {
    Mutation: {
      // A repeat under the caller's Idempotency-Key returns the first result.
      addToWishlist: idempotent(idempotency, async (_: unknown, args: { userId: string; sku: string; name: string }, ctx: Context) => {
        assertMayAccessUser(ctx.principal, args.userId);
        if (args.sku.trim() === '') throw subgraphError('BAD_USER_INPUT', 'sku must not be empty', { field: 'sku' });
        if (args.name.trim() === '') throw subgraphError('BAD_USER_INPUT', 'name must not be empty', { field: 'name' });
        await store.add(args.userId, args.sku, args.name);
        return changed(ctx, args.userId);
      }),
      removeFromWishlist: async (_: unknown, args: { userId: string; itemId: string }, ctx: Context) => {
        assertMayAccessUser(ctx.principal, args.userId);
        if (!(await store.remove(args.userId, args.itemId))) {
          throw subgraphError('NOT_FOUND', `No wishlist item ${args.itemId} for user ${args.userId}`, { field: 'itemId' });
        }
        return changed(ctx, args.userId);
      },
    },
    User: {
      wishlist: (user: { id: string }): WishlistRef => ({ userId: user.id }),
    },
    Wishlist: {
      count: (wishlist: WishlistRef, _: unknown, ctx: Context) => ctx.loaders.countByUser.load(wishlist.userId),
      items: (wishlist: WishlistRef, args: { first?: number | null }, ctx: Context) =>
        ctx.loaders.itemsByUser.load({ userId: wishlist.userId, first: pageSize(args.first) }),
    },
  };
}
