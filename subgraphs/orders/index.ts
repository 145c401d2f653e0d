import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { MemoryIdempotencyStore } from '../shared/idempotency';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { createOrdersLoaders, createOrdersResolvers } from './resolvers';
import { OrdersStore } from './store';

/** A fresh orders subgraph with its own store. */
export function createOrdersSubgraph({ seedUsers = DEFAULT_SEED_USERS, idempotency = new MemoryIdempotencyStore() }: CreateSubgraphOptions = {}): SubgraphDefinition<OrdersStore> {
  const store = new OrdersStore({ seedUsers });
  return defineSubgraph({
    name: 'orders',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createOrdersLoaders(store),
    resolvers: createOrdersResolvers(store, idempotency),
  });
}
