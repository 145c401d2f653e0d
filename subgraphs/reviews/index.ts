import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { MemoryIdempotencyStore } from '../shared/idempotency';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { createReviewsLoaders, createReviewsResolvers } from './resolvers';
import { ReviewsStore } from './store';

/** A fresh reviews subgraph with its own store. */
export function createReviewsSubgraph({ seedUsers = DEFAULT_SEED_USERS, idempotency = new MemoryIdempotencyStore() }: CreateSubgraphOptions = {}): SubgraphDefinition<ReviewsStore> {
  const store = new ReviewsStore({ seedUsers });
  return defineSubgraph({
    name: 'reviews',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createReviewsLoaders(store),
    resolvers: createReviewsResolvers(store, idempotency),
  });
}
