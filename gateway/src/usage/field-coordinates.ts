import {
  isObjectType,
  isInterfaceType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

/**
 * Pure: every schema coordinate an operation document touches — `Type.field` for each selected
 * field (on the type it is selected on) and `Type.field(arg:)` for each argument passed.
 * Introspection fields are left out: they say nothing about the API's own fields.
 */
export function fieldCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const out = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        if (!isObjectType(parent) && !isInterfaceType(parent)) return;
        const coordinate = `${parent.name}.${node.name.value}`;
        out.add(coordinate);
        for (const arg of node.arguments ?? []) out.add(`${coordinate}(${arg.name.value}:)`);
      },
    }),
  );
  return [...out].sort();
}
