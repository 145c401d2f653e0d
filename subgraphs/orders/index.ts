import { join } from 'node:path';
import { defineSubgraph, loadTypeDefs, type CreateSubgraphOptions, type SubgraphDefinition } from '../shared/definition';
import { MemoryPubSub } from '../shared/pubsub';
import { MemoryIdempotencyStore } from '../shared/idempotency';
import { DEFAULT_SEED_USERS } from '../shared/seed';
import { OrderEvents } from './events';
import { OrderProgression } from './progression';
import { createOrdersLoaders, createOrdersResolvers } from './resolvers';
import { OrdersStore } from './store';

/** A fresh orders subgraph with its own store (and its own in-memory pub/sub and idempotency records unless given). */
export function createOrdersSubgraph({ seedUsers = DEFAULT_SEED_USERS, pubsub, orderProgressionMs = 0, idempotency = new MemoryIdempotencyStore() }: CreateSubgraphOptions = {}): SubgraphDefinition<OrdersStore> {
  const store = new OrdersStore({ seedUsers });
  const bus = pubsub ?? new MemoryPubSub();
  const events = new OrderEvents(bus, undefined);
  const progression = new OrderProgression(
    orderProgressionMs,
    async (id, to) => {
      const order = await store.setStatus(id, to);
      if (order) await events.changed(order);
      return order;
    },
    async (id) => (await store.byIds([id]))[0],
  );
  return defineSubgraph({
    name: 'orders',
    typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
    store,
    createLoaders: () => createOrdersLoaders(store),
    resolvers: createOrdersResolvers(store, { events, progression, idempotency }),
    dispose: async () => {
      progression.dispose();
      // A pub/sub handed in belongs to whoever made it (replicas may share one).
      if (!pubsub) await bus.close();
    },
  });
}
