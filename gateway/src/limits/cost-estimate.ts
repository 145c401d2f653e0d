import {
  Kind,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { argumentCost, CostEstimateError, listSizing, type CostRules, type ListSizing } from './cost-rules';
import { conditionType, fieldDefinition, fragmentsOf, isMetaField, isSkipped, type Variables } from './selection';

export interface CostInput {
  /** The API schema the operation was validated against. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Variables;
  rules: CostRules;
  /** List length assumed for list fields without `@listSize`. */
  defaultListSize: number;
}

/** Base cost of an operation by type (Apollo Router: mutations 10, queries and subscriptions 0). */
export function operationBaseCost(operation: OperationDefinitionNode): number {
  return operation.operation === 'mutation' ? 10 : 0;
}

/** A fragment whose type condition is not its scope: it applies to the objects of `type` only. */
interface Branch {
  type: GraphQLCompositeType;
  cost: number;
}

/**
 * The most the branches can cost together for one object: for each concrete type the scope may
 * be at run time, the sum of the branches that apply to it (its own type, or an abstract type it
 * belongs to), and the largest of those sums.
 */
function costliestRuntimeType(schema: GraphQLSchema, scope: GraphQLCompositeType, branches: readonly Branch[]): number {
  const runtimeTypes: readonly GraphQLObjectType[] = isAbstractType(scope) ? schema.getPossibleTypes(scope) : isObjectType(scope) ? [scope] : [];
  let most = 0;
  for (const runtime of runtimeTypes) {
    let cost = 0;
    for (const branch of branches) {
      if (branch.type === runtime || (isAbstractType(branch.type) && schema.isSubType(branch.type, runtime))) cost += branch.cost;
    }
    most = Math.max(most, cost);
  }
  return most;
}

/**
 * Pure: the estimated cost of an operation with Apollo Router's published rules (IBM cost spec):
 * the operation's base cost plus, per field, `instances × (weight + selections) + arguments`,
 * where weight is the field's `@cost`, else its type's, else 1 for objects/interfaces/unions and
 * 0 for scalars/enums; instances is 1 for a non-list, else the size a parent's `sizedFields`
 * gives, else the largest slicing argument, else `assumedSize`, else `defaultListSize`. Nested
 * lists multiply; fragments on different concrete types of an abstract field cost the most
 * expensive type's selection, not their sum; `@skip`/`@include` are honoured; introspection
 * (answered by the gateway) is free.
 * Throws CostEstimateError when the operation breaks `requireOneSlicingArgument`.
 */
export function estimateCost(input: CostInput): number {
  const { schema, document, operation, variables, rules, defaultListSize } = input;
  const fragments = fragmentsOf(document);
  const root = schema.getRootType(operation.operation);
  if (!root) throw new CostEstimateError(`The schema has no ${operation.operation} type`);
  // Memoized per (fragment, sizing) so fragment bombs cost linear time to estimate.
  const memo = new Map<string, number>();

  const scoreField = (node: FieldNode, parent: GraphQLCompositeType, sizedByParent: number | undefined): number => {
    const name = node.name.value;
    if (isMetaField(name) || isSkipped(node.directives, variables)) return 0;
    const definition = fieldDefinition(schema, parent, name);
    if (!definition) throw new CostEstimateError(`Unknown field ${parent.name}.${name}`);
    const coordinate = `${parent.name}.${name}`;
    const rule = rules.listSize(coordinate);
    const sizing = rule ? listSizing(rule, definition, node, variables) : undefined;
    const isList = isListType(getNullableType(definition.type));
    const instances = !isList ? 1 : (sizedByParent ?? sizing?.expected ?? defaultListSize);
    const named = getNamedType(definition.type);
    let typeCost = rules.weight(coordinate) ?? rules.weight(named.name) ?? (isCompositeType(named) ? 1 : 0);
    if (node.selectionSet && isCompositeType(named)) typeCost += scoreSet(node.selectionSet, named, sizing);
    let argumentsCost = 0;
    for (const arg of node.arguments ?? []) {
      const argDef = definition.args.find((a) => a.name === arg.name.value);
      if (argDef) argumentsCost += argumentCost(rules, arg.value, argDef.type, `${coordinate}(${argDef.name}:)`, variables);
    }
    return instances * typeCost + argumentsCost;
  };

  /**
   * Fields selected on `scope` apply to every object; a fragment on another type applies only to
   * objects of that type. One object is only ever one concrete type, so the branches cost the most
   * any one concrete type would select, not their sum (the cost specification Apollo Router follows).
   */
  const scoreSet = (set: SelectionSetNode, scope: GraphQLCompositeType, sizing: ListSizing | undefined): number => {
    let shared = 0;
    const branches: Branch[] = [];
    const addFragment = (type: GraphQLCompositeType, cost: number) => {
      if (type === scope) shared += cost;
      else branches.push({ type, cost });
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const sized = sizing?.sizedFields?.has(selection.name.value) ? sizing.expected : undefined;
        shared += scoreField(selection, scope, sized);
        continue;
      }
      if (isSkipped(selection.directives, variables)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, scope);
        if (type) addFragment(type, scoreSet(selection.selectionSet, type, sizing));
        continue;
      }
      const fragment = fragments.get(selection.name.value);
      if (!fragment) continue;
      const type = conditionType(schema, fragment.typeCondition.name.value, scope);
      if (!type) continue;
      const key = `${fragment.name.value}|${type.name}|${sizing ? `${sizing.expected}:${[...(sizing.sizedFields ?? [])].join(',')}` : ''}`;
      let fragmentCost = memo.get(key);
      if (fragmentCost === undefined) {
        memo.set(key, 0); // a cycle (a validation error) counts as nothing instead of looping
        fragmentCost = scoreSet(fragment.selectionSet, type, sizing);
        memo.set(key, fragmentCost);
      }
      addFragment(type, fragmentCost);
    }
    return branches.length === 0 ? shared : shared + costliestRuntimeType(schema, scope, branches);
  };

  return operationBaseCost(operation) + scoreSet(operation.selectionSet, root, undefined);
}
