import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { createUsersLoaders, createUsersResolvers } from './resolvers';
import { UsersStore } from './store';

/** A fresh users subgraph with its own store. */
export function createUsersSubgraph({ seedUsers = DEFAULT_SEED_USERS }: CreateSubgraphOptions = {}): SubgraphDefinition<UsersStore> {
  const store = new UsersStore({ seedUsers });
  return defineSubgraph({
    name: 'users',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createUsersLoaders(store),
    resolvers: createUsersResolvers(store),
  });
}
