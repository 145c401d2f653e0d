import { actingUserId, pageSize } from '../shared/args';
import { findProduct } from '../shared/catalog';
import type { SubgraphContext } from '../shared/context';
import type { SubgraphResolvers } from '../shared/definition';
import { subgraphError } from '../shared/errors';
import { idempotent, type IdempotencyStore } from '../shared/idempotency';
import { createByUserLoader, createUserListLoader } from '../shared/loaders';
import type { ReviewEvents } from './events';
import type { ReviewRecord, ReviewsStore, ReviewStatsRecord } from './store';

export function createReviewsLoaders(store: ReviewsStore) {
  return {
    reviewsByUser: createUserListLoader((userIds, first) => store.listByUsers(userIds, first)),
    statsByUser: createByUserLoader<ReviewStatsRecord>((userIds) => store.statsByUsers(userIds), {
      count: 0,
      averageRating: null,
    }),
  };
}

export type ReviewsLoaders = ReturnType<typeof createReviewsLoaders>;
type Context = SubgraphContext<ReviewsLoaders>;

interface AddReviewInput {
  userId?: string | null;
  productSku: string;
  rating: number;
  body: string;
}

export function createReviewsResolvers(store: ReviewsStore, events: ReviewEvents, idempotency: IdempotencyStore): SubgraphResolvers<ReviewsLoaders> {
  return {
    Mutation: {
      // A repeat under the caller's Idempotency-Key returns the first review instead of adding another.
      addReview: idempotent(idempotency, async (_: unknown, { input }: { input: AddReviewInput }, ctx: Context) => {
        const userId = actingUserId(input.userId, ctx.principal);
        if (input.rating < 1 || input.rating > 5) {
          throw subgraphError('BAD_USER_INPUT', 'rating must be between 1 and 5', { field: 'rating' });
        }
        if (!findProduct(input.productSku)) {
          throw subgraphError('BAD_USER_INPUT', `Unknown sku ${input.productSku}`, { field: 'productSku' });
        }
        const review = await store.add({ userId, productSku: input.productSku, rating: input.rating, body: input.body });
        ctx.loaders.reviewsByUser.clearAll();
        ctx.loaders.statsByUser.clear(userId);
        await events.added(review);
        return review;
      }),
    },
    Subscription: {
      reviewAdded: {
        subscribe: (_: unknown, args: { productSku?: string | null }) => events.stream(args.productSku),
        resolve: (review: ReviewRecord) => review,
      },
    },
    Review: {
      // The users subgraph resolves the rest of the author (an entity reference).
      author: (review: ReviewRecord) => ({ id: review.userId }),
    },
    User: {
      reviews: (user: { id: string }, args: { first?: number | null }, ctx: Context) =>
        ctx.loaders.reviewsByUser.load({ userId: user.id, first: pageSize(args.first) }),
      reviewStats: (user: { id: string }, _: unknown, ctx: Context) => ctx.loaders.statsByUser.load(user.id),
    },
  };
}
