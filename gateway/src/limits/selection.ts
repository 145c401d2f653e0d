import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

/** Helpers the pure limit calculators share: fragments, `@skip`/`@include`, field definitions. */

export type Variables = Readonly<Record<string, unknown>>;

export function fragmentsOf(document: DocumentNode): ReadonlyMap<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

/** True when `@skip(if: true)` or `@include(if: false)` removes the selection (variables resolved). */
export function isSkipped(directives: readonly DirectiveNode[] | undefined, variables: Variables): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (!arg) continue;
    const value = valueFromASTUntyped(arg.value, variables);
    if (name === 'skip' && value === true) return true;
    if (name === 'include' && value === false) return true;
  }
  return false;
}

/** Introspection fields: answered by the gateway itself, never by a subgraph. */
export function isMetaField(name: string): boolean {
  return name === '__typename' || name === '__schema' || name === '__type';
}

/** The definition of `name` on `parent`, including the introspection meta fields. */
export function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (name === '__schema' && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === schema.getQueryType()) return TypeMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** The type a fragment's type condition names, or the parent type when it has none. */
export function conditionType(
  schema: GraphQLSchema,
  typeName: string | undefined,
  parent: GraphQLCompositeType,
): GraphQLCompositeType | undefined {
  if (!typeName) return parent;
  const type = schema.getType(typeName);
  return isCompositeType(type) ? type : undefined;
}
