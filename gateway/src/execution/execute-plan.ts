import { operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import type { PlanNode, QueryPlan, ResponsePath } from '@apollo/query-planner';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { FetchScope } from './fetch-node';
import { PlanRun } from './plan-run';
import { moveIntoCursor, type ResultMap } from './result-cursor';
import { shapeResult, type Shaping } from './shape-result';

/**
 * Frontdoor's executor for Apollo query plans (`@apollo/query-planner` 2.x), used where
 * @apollo/gateway's own executor cannot go: Defer nodes (incremental/) and the per-event part of
 * Subscription plans (subscriptions/). For plans without those it gives the same results as
 * @apollo/gateway's `executeQueryPlan` (test/integration/plan-executor.test.ts compares them).
 *
 * API (both callers):
 *  - `prepareOperation(apiSchema, apiGraphQLSchema, document, operationName, variables)` →
 *    `PreparedOperation` (throws a GraphQLError when the operation cannot be picked).
 *    `PlanExecutionInput` = that + `service(name)`, `supergraphSchema`, `requestContext`
 *    (`gatewayRequestContext(...)` builds one); plans and both schemas come from `QueryPlanners`.
 *  - `executePlan(plan, input)` → the whole result of a plan without Defer/Subscription nodes.
 *  - `executeNodeFrom(node, data, input, path?)` → runs a plan node against data you already
 *    have (a subscription event's data from the primary fetch, run through `SubscriptionNode.rest`),
 *    merging what it fetches into `data` in place; resolves with the fetch errors. Then
 *    `shapeResult(input, data, errors)` gives the client's result for that event.
 *  - `runDeferredPlan(plan, input, options)` (deferred-run.ts) → @defer: `initial` (the primary
 *    payload), `subsequent` (each deferred block as soon as the fetches it depends on and its own
 *    fetches are done), `delivered()` and `ended`; `options.signal` is the deadline.
 * `input.service(name)` must return the data sources ApolloGateway built (wiring/subgraph-layer.ts
 * registers them in `SubgraphServices`), so deadlines, breakers, replicas, signed identity and metrics
 * apply to every call exactly as on the normal path.
 *
 * Licence: @apollo/gateway is Elastic License 2.0 (see node_modules/@apollo/gateway/LICENSE). This
 * folder is not a copy of its executeQueryPlan.ts: it reuses what the package exports (result
 * shaping, data rewrites, deep merge, path hydration) through deep imports and re-implements the
 * plan walk and fetch step in ~300 lines following the same algorithm (docs/design.md).
 */

/** An operation ready to execute: its planned form and what shaping its result needs. */
export interface PreparedOperation extends Shaping {
  /** The client's operation definition. */
  definition: OperationDefinitionNode;
}

export type PlanExecutionInput = FetchScope & PreparedOperation;

/** The operation `operationName` of `document` in the forms planning and shaping need. */
export function prepareOperation(
  apiSchema: Schema,
  apiGraphQLSchema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): PreparedOperation {
  const definition = pickOperation(document, operationName);
  if (!definition) throw new GraphQLError(operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.');
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const operation: Operation = operationFromDocument(apiSchema, { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] }, { validate: false });
  return { operation, definition, apiSchema: apiGraphQLSchema, variableDefinitions: definition.variableDefinitions, variables };
}

/** A plan without Defer or Subscription nodes, start to end: what @apollo/gateway's executor returns. */
export async function executePlan(plan: QueryPlan, input: PlanExecutionInput): Promise<GatewayExecutionResult> {
  if (plan.node?.kind === 'Subscription') throw new Error('Execution of subscriptions not supported by gateway');
  const data: ResultMap = Object.create(null) as ResultMap;
  const errors: GraphQLError[] = [];
  if (plan.node) await new PlanRun(input).execute(plan.node, { path: [], data, fullResult: data }, errors);
  return shapeResult(input, data, errors);
}

/**
 * Runs `node` against `data` (fetched elsewhere, e.g. a subscription event), starting at `path`
 * (`@` crosses lists); fetched data is merged into `data`. Resolves with the errors of the fetches.
 */
export async function executeNodeFrom(node: PlanNode, data: ResultMap, input: PlanExecutionInput, path: ResponsePath = []): Promise<GraphQLError[]> {
  const errors: GraphQLError[] = [];
  const cursor = moveIntoCursor({ path: [], data, fullResult: data }, path);
  await new PlanRun(input).execute(node, cursor, errors);
  return errors;
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}
