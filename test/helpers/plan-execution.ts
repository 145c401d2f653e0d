import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan, type QueryPlannerConfig } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { Kind, parse, print, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { registerEnforcedSecurityFeatures } from '../../gateway/src/auth/security-features';
import type { Principal } from '../../gateway/src/auth/principal';
import { ClientRegistry } from '../../gateway/src/clients/client-registry';
import { loadConfig } from '../../gateway/src/config';
import { buildContext, type GatewayContext } from '../../gateway/src/context';
import { gatewayRequestContext } from '../../gateway/src/execution/request-context';
import { createLogger } from '../../gateway/src/logger';

/** The committed supergraph, planned as ApolloGateway plans it (or with `config`). */
export interface PlanningKit {
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  plan(document: DocumentNode, operationName?: string): QueryPlan;
}

export function planningKit(config: QueryPlannerConfig = {}): PlanningKit {
  registerEnforcedSecurityFeatures();
  const supergraph = Supergraph.build(readFileSync(path.resolve(__dirname, '../../supergraph.graphql'), 'utf8'));
  const planner = new QueryPlanner(supergraph, { exposeDocumentNodeInFetchNode: true, ...config });
  const apiSchema = supergraph.apiSchema();
  return {
    apiSchema,
    apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    plan: (document, operationName) => planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName })),
  };
}

const config = loadConfig({ LOG_LEVEL: 'silent' });
const log = createLogger(config.log);
const client = new ClientRegistry(config.clients).unidentified;

/** A request context as the gateway builds one for `principal`, for calling executors directly. */
export function requestContextFor(
  kit: PlanningKit,
  query: string,
  variables: Record<string, unknown>,
  principal: Principal,
): { document: DocumentNode; operation: OperationDefinitionNode; requestContext: GatewayGraphQLRequestContext<GatewayContext> } {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation in the query');
  const context: GatewayContext = buildContext({ requestId: randomUUID(), log, startedAtMs: 0, clientIp: '127.0.0.1', client, principal });
  const requestContext = gatewayRequestContext({
    context,
    schema: kit.apiGraphQLSchema,
    document,
    operation,
    operationName: operation.name?.value ?? null,
    queryHash: print(document),
    source: query,
    variables,
    headers: [],
  });
  return { document, operation, requestContext };
}
