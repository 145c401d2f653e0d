import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * Pure: whether an operation asks for the schema (`__schema` or `__type`, which exist only on the
 * query root), following fragment spreads and inline fragments at the root. `__typename` is not
 * introspection: every client uses it. Each fragment is visited once (cycles are a validation
 * error, but this must not loop on them).
 */
export function selectsIntrospection(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode): boolean => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === '__schema' || sel.name.value === '__type') return true;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (visit(sel.selectionSet)) return true;
      } else if (!visited.has(sel.name.value)) {
        visited.add(sel.name.value);
        const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
        if (fragment && visit(fragment.selectionSet)) return true;
      }
    }
    return false;
  };
  return visit(operation.selectionSet);
}
