import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { operationBaseCost, type CostInput } from './cost-estimate';
import { argumentCost } from './cost-rules';
import { conditionType, fieldDefinition, fragmentsOf, isMetaField, isSkipped, type Variables } from './selection';

/** One field selection and the type it was selected on. */
type Selected = { node: FieldNode; parent: GraphQLCompositeType };
/** A response key's field selections. */
type Collected = Map<string, Selected[]>;

/**
 * Pure: the actual cost of an executed operation, from the shape of its response with the same
 * weights as the estimate: every object (or `@cost`-weighted scalar) that came back counts once,
 * lists count their real items, nulls count nothing, argument costs count once per field
 * occurrence. Equal to the estimate when every list is exactly as long as assumed.
 */
export function actualCost(input: Omit<CostInput, 'defaultListSize'> & { data: unknown }): number {
  const { schema, document, operation, variables, rules, data } = input;
  const root = schema.getRootType(operation.operation);
  if (!root || typeof data !== 'object' || data === null) return 0;
  const fragments = fragmentsOf(document);
  // A list's items share one selection: collect it (and each key's child selection sets) once per
  // runtime type, not once per item. Valid for this call only (variables decide @skip/@include).
  const collectedFor = new Map<readonly SelectionSetNode[], Map<string, Collected>>();
  const childSetsFor = new WeakMap<readonly Selected[], SelectionSetNode[]>();
  const collectOnce = (sets: readonly SelectionSetNode[], type: GraphQLCompositeType): Collected => {
    let byType = collectedFor.get(sets);
    if (!byType) collectedFor.set(sets, (byType = new Map()));
    let collected = byType.get(type.name);
    if (!collected) {
      collected = new Map();
      for (const set of sets) collect(schema, fragments, variables, set, type, collected, new Set());
      byType.set(type.name, collected);
    }
    return collected;
  };
  const childSetsOf = (selections: readonly Selected[]): SelectionSetNode[] => {
    let sets = childSetsFor.get(selections);
    if (!sets) childSetsFor.set(selections, (sets = selections.flatMap((s) => (s.node.selectionSet ? [s.node.selectionSet] : []))));
    return sets;
  };

  const scoreObject = (object: Record<string, unknown>, sets: readonly SelectionSetNode[], type: GraphQLCompositeType): number => {
    const collected = collectOnce(sets, type);
    let cost = 0;
    for (const [key, selections] of collected) {
      if (!(key in object)) continue;
      const chosen = pick(selections, object.__typename);
      const name = chosen.node.name.value;
      if (isMetaField(name)) continue;
      const definition = fieldDefinition(schema, chosen.parent, name);
      if (!definition) continue;
      const coordinate = `${chosen.parent.name}.${name}`;
      const named = getNamedType(definition.type);
      const weight = rules.weight(coordinate) ?? rules.weight(named.name) ?? (isCompositeType(named) ? 1 : 0);
      const childSets = childSetsOf(selections);
      const scoreValue = (value: unknown): number => {
        if (value === null || value === undefined) return 0;
        if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + scoreValue(v), 0);
        if (isCompositeType(named) && typeof value === 'object') {
          const runtime = runtimeType(schema, named, (value as { __typename?: unknown }).__typename);
          return weight + scoreObject(value as Record<string, unknown>, childSets, runtime);
        }
        return weight;
      };
      cost += scoreValue(object[key]);
      for (const arg of chosen.node.arguments ?? []) {
        const argDef = definition.args.find((a) => a.name === arg.name.value);
        if (argDef) cost += argumentCost(rules, arg.value, argDef.type, `${coordinate}(${argDef.name}:)`, variables);
      }
    }
    return cost;
  };

  return operationBaseCost(operation) + scoreObject(data as Record<string, unknown>, [operation.selectionSet], root);
}

/** Groups the fields of a selection set by response key, fragments expanded (as graphql-js's collectFields does). */
function collect(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Variables,
  set: SelectionSetNode,
  parent: GraphQLCompositeType,
  into: Collected,
  visiting: Set<string>,
): void {
  for (const selection of set.selections) {
    if (isSkipped(selection.directives, variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      into.set(key, [...(into.get(key) ?? []), { node: selection, parent }]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = conditionType(schema, selection.typeCondition?.name.value, parent);
      if (type) collect(schema, fragments, variables, selection.selectionSet, type, into, visiting);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || visiting.has(fragment.name.value)) continue;
      const type = conditionType(schema, fragment.typeCondition.name.value, parent);
      visiting.add(fragment.name.value);
      if (type) collect(schema, fragments, variables, fragment.selectionSet, type, into, visiting);
      visiting.delete(fragment.name.value);
    }
  }
}

/** With several selections under one key (fragments on different types), the one for the object's runtime type. */
function pick(selections: readonly Selected[], typename: unknown): Selected {
  const first = selections[0];
  if (!first) throw new Error('empty selection group');
  if (typeof typename !== 'string') return first;
  return selections.find((s) => s.parent.name === typename) ?? first;
}

function runtimeType(schema: GraphQLSchema, declared: GraphQLCompositeType, typename: unknown): GraphQLCompositeType {
  if (!isAbstractType(declared) || typeof typename !== 'string') return declared;
  const type = schema.getType(typename);
  return isCompositeType(type) ? type : declared;
}
