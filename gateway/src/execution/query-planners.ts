import { Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan, type QueryPlannerConfig } from '@apollo/query-planner';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import type { Operation } from '@apollo/federation-internals';

/** One supergraph's planner and the schemas our executor needs beside it. */
export interface LoadedPlanner {
  /** The supergraph schema (graphql-js): entity `requires` and rewrites are read against it. */
  readonly supergraphSchema: GraphQLSchema;
  /** The API schema in federation-internals form: operations are built against it. */
  readonly apiSchema: Schema;
  /**
   * The plan for `operation` (built from `document`), cached per document object: Apollo Server
   * hands every request with the same text the same parsed document, and a filtered document is
   * cached per caller kind (auth/authorization-decisions.ts), so identity is a sound key.
   */
  plan(document: object, operationName: string | null | undefined, operation: () => Operation): QueryPlan;
}

/**
 * A query planner of our own beside ApolloGateway's, for plans its executor cannot run (Defer
 * nodes need `incrementalDelivery.enableDefer`, which ApolloGateway's planner must not get: its
 * executor would then meet Defer nodes). Follows the gateway's schema (`onSchemaLoadOrUpdate`)
 * and builds the planner on first use, so a gateway that never sees such an operation pays
 * nothing. Call `registerEnforcedSecurityFeatures()` before (server.ts does).
 */
export class QueryPlanners {
  private sdl: string | undefined;
  private loaded: { sdl: string; planner: LoadedPlanner } | undefined;

  constructor(
    gateway: Pick<GatewayInterface, 'onSchemaLoadOrUpdate'>,
    private readonly config: QueryPlannerConfig,
  ) {
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
      this.sdl = coreSupergraphSdl;
    });
  }

  /** The planner for the schema being served; undefined before the first load. */
  current(): LoadedPlanner | undefined {
    const sdl = this.sdl;
    if (sdl === undefined) return undefined;
    if (this.loaded?.sdl !== sdl) this.loaded = { sdl, planner: buildPlanner(sdl, this.config) };
    return this.loaded.planner;
  }
}

function buildPlanner(sdl: string, config: QueryPlannerConfig): LoadedPlanner {
  // ApolloGateway has validated this very SDL before announcing it.
  const supergraph = Supergraph.build(sdl, { validateSupergraph: false });
  const planner = new QueryPlanner(supergraph, config);
  const plans = new WeakMap<object, Map<string, QueryPlan>>();
  return {
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    apiSchema: supergraph.apiSchema(),
    plan(document, operationName, operation) {
      let byName = plans.get(document);
      if (!byName) plans.set(document, (byName = new Map()));
      const key = operationName ?? '';
      let plan = byName.get(key);
      if (!plan) byName.set(key, (plan = planner.buildQueryPlan(operation())));
      return plan;
    },
  };
}
