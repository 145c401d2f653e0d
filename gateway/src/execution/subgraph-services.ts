import type { GraphQLDataSource } from '@apollo/gateway';

/**
 * The subgraph data sources ApolloGateway built, by service name. ApolloGateway keeps its own map
 * private, so server.ts registers each one as `buildService` hands it over: our executor then
 * calls exactly the SubgraphDataSource instances ApolloGateway's does (same deadlines, breakers,
 * replicas, identity signing and metrics). On a schema reload ApolloGateway builds a new source
 * only for a subgraph whose URL changed; the newest registration wins, as in its own map.
 */
export class SubgraphServices {
  private readonly byName = new Map<string, GraphQLDataSource>();

  /** Remembers `source` for `name` and returns it (so it can wrap `buildService`'s return). */
  register<T extends GraphQLDataSource>(name: string, source: T): T {
    this.byName.set(name, source);
    return source;
  }

  get(name: string): GraphQLDataSource | undefined {
    return this.byName.get(name);
  }
}
