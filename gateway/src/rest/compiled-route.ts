import {
  getNamedType,
  isInputType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  typeFromAST,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { hasBody, type RestRoute } from './rest-config';
import { fieldsWithKey, fragmentsOf, operationNamed, selectionAt } from './selection-path';
import { isTextual, type VariablePlan } from './variables';

/** A route checked against one schema: everything a request needs, computed once per schema load. */
export interface CompiledRoute {
  readonly route: RestRoute;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: readonly VariablePlan[];
  /** Query-string parameter names the route accepts (anything else is refused). */
  readonly queryNames: ReadonlySet<string>;
  /** The object type the route answers (at the pick, or the root type). */
  readonly answerType: GraphQLObjectType;
  /** What the operation selects on it. */
  readonly answerSelection: SelectionSetNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

export type CompileResult = { ok: true; route: CompiledRoute } | { ok: false; problem: string };

/**
 * Checks a route against the schema being served: the operation still validates, every variable
 * can be read from where the route takes it, and the pick is one object (not a list), so the
 * answer is a JSON object that the `errors` of a partial result can sit beside.
 */
export function compileRoute(route: RestRoute, schema: GraphQLSchema): CompileResult {
  const document = parse(route.operation.body, { noLocation: true });
  const operation = operationNamed(document, route.operation.name);
  if (!operation) return { ok: false, problem: `${route.operation.name} is missing from its manifest entry` };
  const errors = validate(schema, document);
  if (errors.length > 0) return { ok: false, problem: `${route.operation.name} does not validate against the supergraph: ${errors[0]?.message ?? ''}` };
  const variables: VariablePlan[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type);
    if (!type || !isInputType(type)) return { ok: false, problem: `variable $${name} has an unknown type` };
    const source = route.template.params.includes(name)
      ? 'path'
      : route.bodyVariable === name
        ? 'body'
        : hasBody(route.method) && route.bodyVariable === undefined
          ? 'body-member'
          : 'query';
    if ((source === 'path' || source === 'query') && !isTextual(type)) {
      return { ok: false, problem: `variable $${name} (${String(type)}) cannot be written in a ${source === 'path' ? 'path' : 'query string'}; take it from the body` };
    }
    variables.push({ name, source, type, required: isNonNullType(type) && def.defaultValue === undefined });
  }
  const answerType = pickedType(schema, document, operation, route.pick);
  if (typeof answerType === 'string') return { ok: false, problem: answerType };
  const answerSelection = selectionAt(document, operation, route.pick);
  if (!answerSelection) return { ok: false, problem: `pick ${route.pick.join('.')} is not selected` };
  // A partial result puts `errors` beside the answer's fields: no field may already be called that.
  if (fieldsWithKey(answerSelection, 'errors', fragmentsOf(document)).length > 0) return { ok: false, problem: 'the answer selects a field named errors, which a partial result needs' };
  return {
    ok: true,
    route: {
      route,
      document,
      operation,
      variables,
      queryNames: new Set(variables.filter((v) => v.source === 'query').map((v) => v.name)),
      answerType,
      answerSelection,
      fragments: fragmentsOf(document),
    },
  };
}

/** The object type at the pick; a string says why there is none. */
function pickedType(schema: GraphQLSchema, doc: DocumentNode, op: OperationDefinitionNode, pick: readonly string[]): GraphQLObjectType | string {
  const root = schema.getRootType(op.operation);
  if (!root) return `the schema has no ${op.operation} type`;
  const fragments = fragmentsOf(doc);
  let parent: GraphQLObjectType = root;
  let set = op.selectionSet;
  for (const key of pick) {
    const node = fieldsWithKey(set, key, fragments)[0];
    const field = node && parent.getFields()[node.name.value];
    if (!node || !field || !node.selectionSet) return `pick ${pick.join('.')}: ${key} is not an object field the operation selects on ${parent.name}`;
    const type: GraphQLOutputType = isNonNullType(field.type) ? field.type.ofType : field.type;
    const named = getNamedType(type);
    if (isListType(type) || !isObjectType(named)) return `pick ${pick.join('.')}: ${key} must be a single object (got ${String(field.type)})`;
    parent = named;
    set = node.selectionSet;
  }
  return parent;
}
