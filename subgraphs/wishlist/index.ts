import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { MemoryIdempotencyStore } from '../shared/idempotency';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { createWishlistLoaders, createWishlistResolvers } from './resolvers';
import { WishlistStore } from './store';

/** A fresh wishlist subgraph with its own store. */
export function createWishlistSubgraph({ seedUsers = DEFAULT_SEED_USERS, idempotency = new MemoryIdempotencyStore() }: CreateSubgraphOptions = {}): SubgraphDefinition<WishlistStore> {
  const store = new WishlistStore({ seedUsers });
  return defineSubgraph({
    name: 'wishlist',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createWishlistLoaders(store),
    resolvers: createWishlistResolvers(store, idempotency),
  });
}
