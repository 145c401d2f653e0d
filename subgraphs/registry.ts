/** Every subgraph by name: the list, default ports, and one factory the gateway tests and `npm start` use. */
import { createOrdersSubgraph } from './orders/index';
import type { OrdersStore } from './orders/store';
import { createPaymentsSubgraph } from './payments/index';
import type { PaymentsStore } from './payments/store';
import { createReviewsSubgraph } from './reviews/index';
import type { ReviewsStore } from './reviews/store';
import type { CreateSubgraphOptions, SubgraphDefinition, SubgraphName } from './shared/definition';
import { createUsersSubgraph } from './users/index';
import type { UsersStore } from './users/store';
import { createWishlistSubgraph } from './wishlist/index';
import type { WishlistStore } from './wishlist/store';

export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['users', 'orders', 'payments', 'wishlist', 'reviews'];

export const DEFAULT_SUBGRAPH_PORTS: Readonly<Record<SubgraphName, number>> = {
  users: 4001,
  orders: 4002,
  payments: 4003,
  wishlist: 4004,
  reviews: 4005,
};

/** The store type behind each subgraph, so `createSubgraph('orders').store` is an OrdersStore. */
export interface SubgraphStores {
  users: UsersStore;
  orders: OrdersStore;
  payments: PaymentsStore;
  wishlist: WishlistStore;
  reviews: ReviewsStore;
}

const FACTORIES: { [N in SubgraphName]: (opts: CreateSubgraphOptions) => SubgraphDefinition<SubgraphStores[N]> } = {
  users: createUsersSubgraph,
  orders: createOrdersSubgraph,
  payments: createPaymentsSubgraph,
  wishlist: createWishlistSubgraph,
  reviews: createReviewsSubgraph,
};

/** A new definition with a fresh store on every call, so tests never share state. */
export function createSubgraph<N extends SubgraphName>(
  name: N,
  opts: CreateSubgraphOptions = {},
): SubgraphDefinition<SubgraphStores[N]> {
  return FACTORIES[name](opts);
}
