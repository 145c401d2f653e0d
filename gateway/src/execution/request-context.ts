import type { GatewayCachePolicy, GatewayGraphQLRequestContext, GatewaySchemaHash } from '@apollo/server-gateway-interface';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../context';
import { apolloLogger } from '../logger';

/** What a subgraph fetch reads of the request it serves. */
export interface RequestContextInput {
  context: GatewayContext;
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  queryHash: string;
  source?: string;
  variables?: Record<string, unknown>;
  /** The client's HTTP request headers (lower-case names): FORWARD_HEADERS are copied from them. */
  headers: Iterable<[string, string]>;
  method?: string;
  /** The operation's cache policy, narrowed by every subgraph's Cache-Control; a fresh uncacheable one when absent. */
  overallCachePolicy?: GatewayCachePolicy;
}

/**
 * The request context our data sources expect (`incomingRequestContext`), built without Apollo
 * Server's private helper: the deferred path builds it from Apollo Server's request context, a
 * subscription from its connection, tests by hand.
 */
export function gatewayRequestContext(input: RequestContextInput): GatewayGraphQLRequestContext<GatewayContext> {
  return {
    request: {
      ...(input.source !== undefined ? { query: input.source } : {}),
      ...(input.operationName ? { operationName: input.operationName } : {}),
      ...(input.variables ? { variables: input.variables } : {}),
      http: { method: input.method ?? 'POST', url: 'https://unknown-url.invalid/', headers: new ReadOnlyHeaders(input.headers) },
    },
    logger: apolloLogger(input.context.log),
    schema: input.schema,
    schemaHash: 'unused' as GatewaySchemaHash,
    context: input.context,
    cache: NO_CACHE,
    queryHash: input.queryHash,
    document: input.document,
    source: input.source ?? '',
    operationName: input.operationName,
    operation: input.operation,
    metrics: {},
    overallCachePolicy: input.overallCachePolicy ?? uncacheablePolicy(),
  };
}

/** Data sources only read the client's headers; they set theirs on the subgraph request. */
class ReadOnlyHeaders {
  private readonly map: Map<string, string>;
  constructor(entries: Iterable<[string, string]>) {
    this.map = new Map(entries);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  append(): void {}
  delete(): void {}
  set(): void {}
  entries(): Iterator<[string, string]> {
    return this.map.entries();
  }
  keys(): Iterator<string> {
    return this.map.keys();
  }
  values(): Iterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.map.entries();
  }
}

const NO_CACHE = {
  get: async (): Promise<undefined> => undefined,
  set: async (): Promise<void> => undefined,
  delete: async (): Promise<void> => undefined,
};

/** A policy nobody caches by: restrictions are accepted and ignored. */
function uncacheablePolicy(): GatewayCachePolicy {
  return { replace: () => undefined, restrict: () => undefined, policyIfCacheable: () => null };
}
