import {
  Kind,
  valueFromASTUntyped,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** One @defer around a field: its label (ours when the client gave none) and its `if` argument. */
interface DeferScope {
  label: string;
  condition: ValueNode | undefined;
}

/** An operation prepared for deferred planning (cached per parsed document and operation name). */
export interface DeferDocument {
  /**
   * The one operation, named fragments inlined and every node copied (so a field spread twice is
   * two nodes), every @defer labelled: the planner keeps labels in its Deferred nodes, which is how
   * a deferred part is matched to the fields it holds (filter-mode authorization needs that).
   */
  document: DocumentNode;
  /** The labels we added; payloads leave them out. */
  hiddenLabels: ReadonlySet<string>;
  /** `__schema` / `__type` at the root: the planner leaves introspection out of deferred parts. */
  selectsIntrospection: boolean;
  /** The label of the part `field` (a node of `document`) is delivered in; undefined for the primary part. */
  partOf(field: FieldNode, variables: Record<string, unknown> | undefined): string | undefined;
}

const cache = new WeakMap<DocumentNode, Map<string, DeferDocument | null>>();

/** The operation's DeferDocument, or null when it has no @defer at all (the usual case, answered from the cache). */
export function deferDocument(document: DocumentNode, operationName: string | null | undefined): DeferDocument | null {
  let byName = cache.get(document);
  if (!byName) cache.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let prepared = byName.get(key);
  if (prepared === undefined) byName.set(key, (prepared = prepare(document, operationName)));
  return prepared;
}

function prepare(document: DocumentNode, operationName: string | null | undefined): DeferDocument | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const userLabels = new Set<string>();
  let defers = 0;
  const scan = (set: SelectionSetNode, seen: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      const defer = deferDirective(selection);
      if (defer) {
        defers += 1;
        const label = argument(defer, 'label');
        if (label?.kind === Kind.STRING) userLabels.add(label.value);
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) scan(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      } else if (selection.selectionSet) {
        scan(selection.selectionSet, seen);
      }
    }
  };
  scan(operation.selectionSet, new Set());
  if (defers === 0) return null;

  const hiddenLabels = new Set<string>();
  const scopes = new Map<FieldNode, readonly DeferScope[]>();
  let counter = 0;
  const newLabel = (): string => {
    let label: string;
    do label = `__frontdoor_defer_${counter++}`;
    while (userLabels.has(label));
    hiddenLabels.add(label);
    return label;
  };
  const copy = (set: SelectionSetNode, around: readonly DeferScope[], seen: ReadonlySet<string>): SelectionSetNode => {
    const selections: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field: FieldNode = { ...selection, ...(selection.selectionSet ? { selectionSet: copy(selection.selectionSet, around, seen) } : {}) };
        scopes.set(field, around);
        selections.push(field);
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : undefined;
      if (selection.kind === Kind.FRAGMENT_SPREAD && (!fragment || seen.has(fragment.name.value))) continue;
      const { directives, scope } = labelled(selection.directives ?? [], newLabel);
      const inner = scope ? [scope, ...around] : around;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        selections.push({ ...selection, directives, selectionSet: copy(selection.selectionSet, inner, seen) });
      } else if (fragment) {
        selections.push({
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives,
          selectionSet: copy(fragment.selectionSet, inner, new Set([...seen, fragment.name.value])),
        });
      }
    }
    return { ...set, selections };
  };
  const expanded: OperationDefinitionNode = { ...operation, selectionSet: copy(operation.selectionSet, [], new Set()) };
  return {
    document: { kind: Kind.DOCUMENT, definitions: [expanded] },
    hiddenLabels,
    selectsIntrospection: operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type')),
    partOf(field, variables) {
      // The innermost @defer whose `if` holds; @defer(if: false) delivers with its parent.
      for (const scope of scopes.get(field) ?? []) if (valueFromASTUntyped(scope.condition ?? TRUE, variables) !== false) return scope.label;
      return undefined;
    },
  };
}

const TRUE: ValueNode = { kind: Kind.BOOLEAN, value: true };

function deferDirective(selection: SelectionNode): DirectiveNode | undefined {
  if (selection.kind === Kind.FIELD) return undefined;
  return selection.directives?.find((d) => d.name.value === 'defer');
}

function argument(directive: DirectiveNode, name: string): ValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

/** The directives with a label added to an unlabelled @defer, and that @defer's scope. */
function labelled(directives: readonly DirectiveNode[], newLabel: () => string): { directives: DirectiveNode[]; scope: DeferScope | undefined } {
  let scope: DeferScope | undefined;
  const out = directives.map((d) => {
    if (d.name.value !== 'defer') return d;
    const given = argument(d, 'label');
    const label = given?.kind === Kind.STRING ? given.value : newLabel();
    scope = { label, condition: argument(d, 'if') };
    if (given) return d;
    const labelArgument: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'label' }, value: { kind: Kind.STRING, value: label } };
    return { ...d, arguments: [...(d.arguments ?? []), labelArgument] };
  });
  return { directives: out, scope };
}
