import {
  getNamedType,
  Kind,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  type FieldNode,
} from 'graphql';

/**
 * Which users' data a cached response holds, and which users' data a mutation changed. A
 * response's cache key includes the current generation of each of its subjects; a mutation bumps
 * the generation of each of its subjects, so every instance stops finding the old entries.
 *
 * The rules (docs/caching.md, "Response cache"):
 *  - query: every root `Query` field that returns the `User` type contributes its `id` argument
 *    (`user(id: "1")` → `User:1`); private entries also depend on the caller (`me`, and whatever
 *    else is private to them);
 *  - mutation: every root `Mutation` field contributes its `userId` argument, else the `userId`
 *    of its `input` argument, else the caller (`placeOrder`/`addReview` without `userId` act for
 *    the caller, as the subgraphs do).
 */
export const SUBJECT_TYPE = 'User';

export type Variables = Readonly<Record<string, unknown>> | undefined;

export function subjectOf(userId: string): string {
  return `${SUBJECT_TYPE}:${userId}`;
}

export function querySubjects(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  schema: GraphQLSchema,
  variables: Variables,
): string[] {
  const queryType = schema.getQueryType();
  if (!queryType) return [];
  const fields = queryType.getFields();
  const out = new Set<string>();
  for (const field of rootFields(operation.selectionSet, fragments)) {
    const def = fields[field.name.value];
    if (!def || getNamedType(def.type).name !== SUBJECT_TYPE) continue;
    const id = idValue(argument(field, 'id'), variables);
    if (id !== undefined) out.add(subjectOf(id));
  }
  return [...out];
}

export function mutationSubjects(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Variables,
  callerId: string | null,
): string[] {
  const out = new Set<string>();
  for (const field of rootFields(operation.selectionSet, fragments)) {
    const direct = idValue(argument(field, 'userId'), variables);
    const input = argument(field, 'input');
    const fromInput = input ? idOf(valueFromASTUntyped(input, variables as Record<string, unknown>), 'userId') : undefined;
    const userId = direct ?? fromInput ?? callerId ?? undefined;
    if (userId !== undefined) out.add(subjectOf(userId));
  }
  return [...out];
}

/** Root fields, through inline fragments and fragment spreads. */
function rootFields(selectionSet: SelectionSetNode, fragments: readonly FragmentDefinitionNode[], seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.find((f) => f.name.value === selection.name.value);
      if (fragment) out.push(...rootFields(fragment.selectionSet, fragments, seen));
    }
  }
  return out;
}

function argument(field: FieldNode, name: string): ValueNode | undefined {
  return field.arguments?.find((a) => a.name.value === name)?.value;
}

function idValue(node: ValueNode | undefined, variables: Variables): string | undefined {
  if (!node) return undefined;
  return scalarId(valueFromASTUntyped(node, variables as Record<string, unknown>));
}

function idOf(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return scalarId((value as Record<string, unknown>)[key]);
}

function scalarId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
