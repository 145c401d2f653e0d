import {
  Kind,
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { enumSchema, orNull, scalarSchema, withDescription, type JsonSchema } from './json-schema';

interface Collected {
  nodes: FieldNode[];
  /** The type whose field it is (the parent, or a fragment's type condition). */
  owner: GraphQLCompositeType;
  /** Present in every response object: no @skip/@include, and not inside a fragment that applies to some types only. */
  always: boolean;
}

/**
 * The JSON Schema of what a selection set returns, field by field, with the schema's
 * nullability: a nullable field may be null (also when an error or authorization nulls it), a
 * non-null one never is (GraphQL propagates the null to its nullable parent instead). Objects are
 * closed (`additionalProperties: false`), so a response carrying anything unexpected fails
 * validation.
 */
export function selectionSchema(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, c] of collect(schema, parent, set, fragments)) {
    const first = c.nodes[0]!;
    if (first.name.value === '__typename') {
      properties[key] = { type: 'string', ...(isAbstractType(parent) ? { enum: schema.getPossibleTypes(parent).map((t) => t.name) } : { const: parent.name }) };
    } else {
      const field = 'getFields' in c.owner ? c.owner.getFields()[first.name.value] : undefined;
      if (!field) continue;
      properties[key] = withDescription(outputSchema(schema, field.type, mergedSelection(c.nodes), fragments), field.description);
    }
    if (c.always) required.push(key);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

function outputSchema(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): JsonSchema {
  return isNonNullType(type) ? valueSchema(schema, type.ofType, set, fragments) : orNull(valueSchema(schema, type, set, fragments));
}

/** The schema of a value that is present (the nullable wrapper is outputSchema's). */
function valueSchema(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): JsonSchema {
  if (isListType(type)) return { type: 'array', items: outputSchema(schema, type.ofType, set, fragments) };
  if (isScalarType(type)) return scalarSchema(type);
  if (isEnumType(type)) return enumSchema(type);
  return set ? selectionSchema(schema, getNamedType(type) as GraphQLCompositeType, set, fragments) : { type: 'object' };
}

function mergedSelection(nodes: readonly FieldNode[]): SelectionSetNode | undefined {
  const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (sets.length <= 1) return sets[0];
  return { kind: Kind.SELECTION_SET, selections: sets.flatMap((s) => s.selections) };
}

/** Response key → the field nodes selected under it, as graphql-js's CollectFields groups them. */
function collect(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Map<string, Collected> {
  const out = new Map<string, Collected>();
  const visit = (s: SelectionSetNode, owner: GraphQLCompositeType, always: boolean, seen: ReadonlySet<string>): void => {
    for (const sel of s.selections) {
      const unconditional = always && !(sel.directives ?? []).some((d) => d.name.value === 'skip' || d.name.value === 'include');
      if (sel.kind === Kind.FIELD) {
        const key = (sel.alias ?? sel.name).value;
        const entry = out.get(key);
        if (entry) {
          entry.nodes.push(sel);
          entry.always ||= unconditional;
        } else {
          out.set(key, { nodes: [sel], owner, always: unconditional });
        }
        continue;
      }
      const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
      if (!fragment || (sel.kind === Kind.FRAGMENT_SPREAD && seen.has(sel.name.value))) continue;
      const named = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (!named || !(isObjectType(named) || isAbstractType(named))) continue;
      const nextSeen = sel.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, sel.name.value]) : seen;
      if (isObjectType(parent)) {
        // On an object, a fragment either always applies (its own type, or an abstract type it belongs to) or never.
        const applies = named.name === parent.name || (isAbstractType(named) && schema.isSubType(named, parent));
        if (applies) visit(fragment.selectionSet, parent, unconditional, nextSeen);
      } else if (named.name === parent.name) {
        visit(fragment.selectionSet, parent, unconditional, nextSeen);
      } else {
        // On an abstract parent, a narrower fragment's fields appear for some runtime types only.
        visit(fragment.selectionSet, named, false, nextSeen);
      }
    }
  };
  visit(set, parent, true, new Set());
  return out;
}
