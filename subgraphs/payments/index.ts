import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { createPaymentsLoaders, createPaymentsResolvers } from './resolvers';
import { PaymentsStore } from './store';

/** A fresh payments subgraph with its own store. */
export function createPaymentsSubgraph({ seedUsers = DEFAULT_SEED_USERS }: CreateSubgraphOptions = {}): SubgraphDefinition<PaymentsStore> {
  const store = new PaymentsStore({ seedUsers });
  return defineSubgraph({
    name: 'payments',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createPaymentsLoaders(store),
    resolvers: createPaymentsResolvers(),
  });
}
