import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { MemoryPubSub } from '../shared/pubsub';
import { MemoryIdempotencyStore } from '../shared/idempotency';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { ReviewEvents } from './events';
import { createReviewsLoaders, createReviewsResolvers } from './resolvers';
import { ReviewsStore } from './store';

/** A fresh reviews subgraph with its own store. */
export function createReviewsSubgraph({ seedUsers = DEFAULT_SEED_USERS, pubsub, idempotency = new MemoryIdempotencyStore() }: CreateSubgraphOptions = {}): SubgraphDefinition<ReviewsStore> {
  const store = new ReviewsStore({ seedUsers });
  const bus = pubsub ?? new MemoryPubSub();
  return defineSubgraph({
    name: 'reviews',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createReviewsLoaders(store),
    resolvers: createReviewsResolvers(store, new ReviewEvents(bus), idempotency),
    // A pub/sub handed in belongs to whoever made it.
    dispose: async () => {
      if (!pubsub) await bus.close();
    },
  });
}
