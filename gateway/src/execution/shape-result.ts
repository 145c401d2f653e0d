import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import type { FieldSelection, Operation } from '@apollo/federation-internals';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import {
  executeSync,
  GraphQLError,
  Kind,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import type { ResultMap } from './result-cursor';

/** How to turn the data the fetches gathered into the client's result. */
export interface Shaping {
  /** The operation as planned (federation-internals form, against the API schema). */
  operation: Operation;
  /** The API schema as graphql-js sees it: answers `__schema` / `__type` selections. */
  apiSchema: GraphQLSchema;
  /** The operation's variable definitions in the client's document (introspection selections may use them). */
  variableDefinitions: readonly VariableDefinitionNode[] | undefined;
  variables: Record<string, unknown> | undefined;
}

/**
 * The post-processing step of @apollo/gateway's executor, with its error rules: fetched data is
 * filtered to what the operation selects, in its order, with `__typename` of root types and
 * introspection filled in and nulls propagated. Post-processing errors become
 * `extensions.valueCompletion` when the fetches raised none (clients never saw them as errors), and
 * are dropped otherwise (they would double-report a failed fetch).
 */
export function shapeResult(shaping: Shaping, data: ResultMap, fetchErrors: readonly GraphQLError[]): GatewayExecutionResult {
  let shaped: Record<string, unknown> | null | undefined;
  try {
    const computed = computeResponse({
      operation: shaping.operation,
      variables: shaping.variables,
      input: data,
      introspectionHandling: (selection) => introspect(shaping, selection),
    });
    shaped = computed.data;
    if (fetchErrors.length === 0 && computed.errors.length > 0) return { extensions: { valueCompletion: computed.errors }, data: shaped };
  } catch (err) {
    if (err instanceof GraphQLError) return { errors: [err] };
    if (err instanceof Error) return { errors: [new GraphQLError(err.message, { originalError: err })] };
    return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
  }
  return fetchErrors.length === 0 ? { data: shaped } : { errors: [...fetchErrors], data: shaped };
}

/** A `__schema` / `__type` selection, answered from the API schema as a one-field query. */
function introspect(shaping: Shaping, selection: FieldSelection): unknown {
  const field = selection.expandFragments().toSelectionNode();
  const used = new Set<string>();
  visit(field, { Variable: (node) => void used.add(node.name.value) });
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: shaping.variableDefinitions?.filter((d) => used.has(d.variable.name.value)) ?? [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
      },
    ],
  };
  const { data, errors } = executeSync({ schema: shaping.apiSchema, document, rootValue: {}, variableValues: shaping.variables ?? {} });
  if (errors?.length || !data) throw new Error(`Introspection of ${responseKey(field)} failed`);
  return Object.prototype.hasOwnProperty.call(data, responseKey(field)) ? data[responseKey(field)] : undefined;
}

function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}
