/**
 * What a subgraph is, independent of how it is served: its SDL, resolvers, store and per-request loaders.
 * `startSubgraph()` serves any definition; `createSubgraph()` in ../registry.ts builds one by name.
 */
import { readFileSync } from 'node:fs';
// @apollo/subgraph's root exports only functions; its resolver-map type lives here (types only, no runtime import).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';
import type { SubgraphContext } from './context';
import type { PubSub } from './pubsub';
import type { IdempotencyStore } from './idempotency';

/** Options every subgraph factory accepts. */
export interface CreateSubgraphOptions {
  /** Number of seeded users ("1".."N"). @default 1000 (DEFAULT_SEED_USERS) */
  seedUsers?: number;
  /** Where mutations publish and subscriptions listen. @default a new in-memory pub/sub (closed with the subgraph) */
  pubsub?: PubSub;
  /** orders: move each placed order PENDING → PAID → SHIPPED → DELIVERED this often, in ms. @default 0 (off) */
  orderProgressionMs?: number;
  /** Where idempotent mutations keep their records (Redis with REDIS_URL). @default a fresh MemoryIdempotencyStore */
  idempotency?: IdempotencyStore;
}

export type SubgraphName = 'users' | 'orders' | 'payments' | 'wishlist' | 'reviews';

export type SubgraphResolvers<TLoaders> = GraphQLResolverMap<SubgraphContext<TLoaders>>;

export interface SubgraphDefinition<TStore = unknown> {
  readonly name: SubgraphName;
  /** Parsed from `subgraphs/<name>/schema.graphql`, the file composition reads too. */
  readonly typeDefs: DocumentNode;
  readonly resolvers: SubgraphResolvers<unknown>;
  /** This definition's own store instance; tests spy on its batch methods. */
  readonly store: TStore;
  /** Called once per request by the context function. */
  createLoaders(): unknown;
  /** Releases what the definition owns (timers, its own pub/sub); called once the server has stopped. */
  dispose?(): Promise<void>;
}

export interface SubgraphSpec<TStore, TLoaders> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  store: TStore;
  createLoaders: () => TLoaders;
  resolvers: SubgraphResolvers<TLoaders>;
  dispose?: () => Promise<void>;
}

/**
 * Checks that `resolvers` and `createLoaders` agree on the loader type, then erases it: past this point
 * the server only passes loaders from `createLoaders()` to the resolvers, and a definition with any
 * loader type must fit the one `startSubgraph(def)` signature.
 */
export function defineSubgraph<TStore, TLoaders>(spec: SubgraphSpec<TStore, TLoaders>): SubgraphDefinition<TStore> {
  // Resolver maps are contravariant in their context type, so the erasure needs a cast; it is sound
  // because the only context these resolvers ever receive is built with this spec's createLoaders.
  return spec as unknown as SubgraphDefinition<TStore>;
}

/** Reads and parses a schema.graphql file; the SDL lives only there, never duplicated in TypeScript. */
export function loadTypeDefs(path: string): DocumentNode {
  return gql(readFileSync(path, 'utf8'));
}
