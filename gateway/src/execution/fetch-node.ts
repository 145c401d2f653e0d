import { applyRewrites } from '@apollo/gateway/dist/dataRewrites';
import { GraphQLDataSourceRequestKind, type GraphQLDataSource } from '@apollo/gateway/dist/datasources/types';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import type { FetchNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { TypeNameMetaFieldDef, type GraphQLError, type GraphQLSchema } from 'graphql';
import { requiredInputs, type ResultCursor, type ResultMap } from './result-cursor';
import { subgraphErrors } from './subgraph-errors';

/** What a fetch needs besides its node and cursor; one per operation. */
export interface FetchScope {
  /** The subgraph data sources by service name (the ones ApolloGateway built through `buildService`). */
  service(name: string): GraphQLDataSource | undefined;
  /** The supergraph schema: `requires` and rewrites may name @inaccessible elements the API schema hides. */
  supergraphSchema: GraphQLSchema;
  requestContext: GatewayGraphQLRequestContext;
}

/**
 * One Fetch node, with @apollo/gateway's semantics (its executeQueryPlan.ts `executeFetch`, minus
 * Studio traces and spans): a root fetch merges the subgraph's data into every object at the
 * cursor; an entity fetch sends the `requires` of each object there as `representations` and
 * merges `_entities[i]` back into the i-th. Subgraph errors are added to `errors` with rebased
 * paths; a failed call (the data source throws a coded error) propagates to the caller.
 */
export async function executeFetch(scope: FetchScope, fetch: FetchNode, cursor: ResultCursor, errors: GraphQLError[]): Promise<void> {
  const service = scope.service(fetch.serviceName);
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = Array.isArray(cursor.data) ? cursor.data.filter((e) => e !== null && e !== undefined) : [cursor.data];
  if (entities.length < 1) return;
  const variables = usedVariables(fetch, scope.requestContext.request.variables);

  const send = async (vars: ResultMap): Promise<ResultMap | null | undefined> => {
    const response = await service.process({
      kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
      request: { query: fetch.operation, variables: vars, ...(fetch.operationName ? { operationName: fetch.operationName } : {}) },
      incomingRequestContext: scope.requestContext,
      context: scope.requestContext.context,
      ...(fetch.operationDocumentNode ? { document: fetch.operationDocumentNode } : {}),
      pathInIncomingRequest: cursor.path,
    });
    if (response.errors) errors.push(...subgraphErrors(response.errors, fetch, cursor));
    return response.data as ResultMap | null | undefined;
  };

  if (!fetch.requires) {
    const received = await send(variables);
    if (received) applyRewrites(scope.supergraphSchema, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  const representations: ResultMap[] = [];
  const representationToEntity: number[] = [];
  entities.forEach((entity, index) => {
    const representation = requiredInputs(scope.supergraphSchema, entity, fetch.requires ?? []);
    if (representation && representation[TypeNameMetaFieldDef.name]) {
      applyRewrites(scope.supergraphSchema, fetch.inputRewrites, representation);
      representations.push(representation);
      representationToEntity.push(index);
    }
  });
  // None of the objects here matches the type conditions of `requires`.
  if (representations.length < 1) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');

  const received = await send({ ...variables, representations });
  if (!received) return;
  const receivedEntities = received._entities;
  if (!Array.isArray(receivedEntities)) throw new Error('Expected "data._entities" in response to be an array');
  if (receivedEntities.length !== representations.length) {
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  receivedEntities.forEach((receivedEntity: unknown, i) => {
    const existing = entities[representationToEntity[i] ?? -1];
    if (!existing) return;
    if (isMap(receivedEntity) && !receivedEntity.__typename) receivedEntity.__typename = existing.__typename;
    if (isMap(receivedEntity)) applyRewrites(scope.supergraphSchema, fetch.outputRewrites, receivedEntity);
    deepMerge(existing, receivedEntity);
  });
}

/** The client's values of the variables this fetch uses (absent ones stay absent). */
function usedVariables(fetch: FetchNode, provided: Record<string, unknown> | undefined): ResultMap {
  const variables: ResultMap = Object.create(null) as ResultMap;
  for (const name of fetch.variableUsages ?? []) {
    if (provided && Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  }
  return variables;
}

function isMap(value: unknown): value is ResultMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
