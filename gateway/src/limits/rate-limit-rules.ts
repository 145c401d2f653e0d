import {
  Kind,
  getNamedType,
  isCompositeType,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { conditionType, fieldDefinition, fragmentsOf, isMetaField, isSkipped, type Variables } from './selection';

/** `@rateLimit(limit:, duration:)`: `limit` selections per `duration` seconds per caller. */
export interface RateLimitRule {
  limit: number;
  duration: number;
}

/** One rate-limited field coordinate an operation selects, and how many times it selects it. */
export interface FieldRateLimit extends RateLimitRule {
  coordinate: string;
  count: number;
}

/**
 * Pure: the rate-limited fields an operation selects. A field's own `@rateLimit` wins over its
 * type's (graphql-rate-limit-directive's rule: a type-level limit applies to each field of the
 * type, separately). Every selection counts, so `a: placeOrder … b: placeOrder …` consumes two;
 * fields under a list are counted once per selection, not per returned item, because the check
 * runs before anything is fetched. `@skip`/`@include` are honoured.
 */
export function selectedRateLimits(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Variables;
  ruleAt: (coordinate: string) => RateLimitRule | undefined;
  /** Field selections that will not run (filter-mode authorization removes them), with everything under them. */
  skip?: ReadonlySet<FieldNode>;
}): FieldRateLimit[] {
  const { schema, document, operation, variables, ruleAt, skip } = input;
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const fragments = fragmentsOf(document);
  const memo = new Map<string, Map<string, number>>();
  const rules = new Map<string, RateLimitRule>();

  const add = (into: Map<string, number>, from: ReadonlyMap<string, number>) => {
    for (const [coordinate, n] of from) into.set(coordinate, (into.get(coordinate) ?? 0) + n);
  };

  const countSet = (set: SelectionSetNode, parent: GraphQLCompositeType, visiting: Set<string>): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const selection of set.selections) {
      if (isSkipped(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (isMetaField(name) || skip?.has(selection)) continue;
        const coordinate = `${parent.name}.${name}`;
        const rule = ruleAt(coordinate) ?? ruleAt(parent.name);
        if (rule) {
          rules.set(coordinate, rule);
          counts.set(coordinate, (counts.get(coordinate) ?? 0) + 1);
        }
        const type = fieldDefinition(schema, parent, name)?.type;
        const named = type ? getNamedType(type) : undefined;
        if (selection.selectionSet && isCompositeType(named)) add(counts, countSet(selection.selectionSet, named, visiting));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, parent);
        if (type) add(counts, countSet(selection.selectionSet, type, visiting));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        let fragmentCounts = memo.get(name);
        if (!fragmentCounts) {
          const type = conditionType(schema, fragment.typeCondition.name.value, parent);
          visiting.add(name);
          fragmentCounts = type ? countSet(fragment.selectionSet, type, visiting) : new Map<string, number>();
          visiting.delete(name);
          memo.set(name, fragmentCounts);
        }
        add(counts, fragmentCounts);
      }
    }
    return counts;
  };

  const counts = countSet(operation.selectionSet, root, new Set());
  return [...counts].map(([coordinate, count]) => ({ coordinate, count, ...(rules.get(coordinate) as RateLimitRule) }));
}
