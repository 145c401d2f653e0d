import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** The operation of that name in a manifest entry's document. */
export function operationNamed(doc: DocumentNode, name: string): OperationDefinitionNode | undefined {
  return doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
}

export function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out.set(d.name.value, d);
  return out;
}

/**
 * Every field node of a selection set with this response key, looking through inline fragments
 * and fragment spreads (a key selected twice merges; the first node carries the field name).
 */
export function fieldsWithKey(set: SelectionSetNode, key: string, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (s: SelectionSetNode, seen: Set<string>): void => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) {
        if ((sel.alias ?? sel.name).value === key) out.push(sel);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, seen);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) visit(fragment.selectionSet, seen);
      }
    }
  };
  visit(set, new Set());
  return out;
}

/** The field nodes the response keys `pick` lead to from the operation's root, or undefined when one is not selected. */
export function findSelection(doc: DocumentNode, op: OperationDefinitionNode, pick: readonly string[]): FieldNode[] | undefined {
  const fragments = fragmentsOf(doc);
  let sets: SelectionSetNode[] = [op.selectionSet];
  let nodes: FieldNode[] = [];
  for (const key of pick) {
    nodes = sets.flatMap((s) => fieldsWithKey(s, key, fragments));
    if (nodes.length === 0) return undefined;
    sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
  return nodes;
}

/** The selection set the route answers: the root's when `pick` is empty, else the pick's (merged when selected more than once). */
export function selectionAt(doc: DocumentNode, op: OperationDefinitionNode, pick: readonly string[]): SelectionSetNode | undefined {
  if (pick.length === 0) return op.selectionSet;
  const nodes = findSelection(doc, op, pick);
  if (!nodes) return undefined;
  return { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
}
