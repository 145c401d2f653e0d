import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The structural measures operation limits are checked against. */
export interface OperationShape {
  /** Deepest field nesting; a root field is depth 1. */
  depth: number;
  /** Aliased fields, counted once per place they are selected (fragments expanded). */
  aliases: number;
  /** Fields of the root selection set (fragments expanded). */
  rootFields: number;
  /** Most directives on one field, fragment spread, inline fragment, fragment or the operation itself. */
  maxDirectivesPerField: number;
}

interface SetStats {
  depth: number;
  aliases: number;
  fields: number;
  maxDirectives: number;
}

const EMPTY: SetStats = { depth: 0, aliases: 0, fields: 0, maxDirectives: 0 };

/**
 * Pure: measures an operation with its fragments expanded. Every fragment is measured once and
 * its numbers reused, so a "fragment bomb" (each fragment spreading the next twice) costs
 * linear time here even though its expansion is exponential. Counts are structural: `@skip` and
 * `@include` do not lower them, because the work of validating and planning is done either way.
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, SetStats>();

  const fragmentStats = (name: string, visiting: Set<string>): SetStats => {
    const cached = memo.get(name);
    if (cached) return cached;
    const def = fragments.get(name);
    // Unknown or cyclic spreads are validation errors; count them as empty rather than loop.
    if (!def || visiting.has(name)) return EMPTY;
    visiting.add(name);
    const inner = setStats(def.selectionSet, visiting);
    visiting.delete(name);
    const stats = { ...inner, maxDirectives: Math.max(inner.maxDirectives, def.directives?.length ?? 0) };
    memo.set(name, stats);
    return stats;
  };

  const setStats = (set: SelectionSetNode, visiting: Set<string>): SetStats => {
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    let maxDirectives = 0;
    for (const selection of set.selections) {
      maxDirectives = Math.max(maxDirectives, selection.directives?.length ?? 0);
      if (selection.kind === Kind.FIELD) {
        const child = selection.selectionSet ? setStats(selection.selectionSet, visiting) : EMPTY;
        fields += 1;
        aliases += (selection.alias ? 1 : 0) + child.aliases;
        depth = Math.max(depth, 1 + child.depth);
        maxDirectives = Math.max(maxDirectives, child.maxDirectives);
        continue;
      }
      const child =
        selection.kind === Kind.INLINE_FRAGMENT ? setStats(selection.selectionSet, visiting) : fragmentStats(selection.name.value, visiting);
      fields += child.fields;
      aliases += child.aliases;
      depth = Math.max(depth, child.depth);
      maxDirectives = Math.max(maxDirectives, child.maxDirectives);
    }
    return { depth, aliases, fields, maxDirectives };
  };

  const root = setStats(operation.selectionSet, new Set());
  return {
    depth: root.depth,
    aliases: root.aliases,
    rootFields: root.fields,
    maxDirectivesPerField: Math.max(root.maxDirectives, operation.directives?.length ?? 0),
  };
}

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectivesPerField: number;
}

export type OperationLimitCode = 'DEPTH_LIMIT_EXCEEDED' | 'ALIAS_LIMIT_EXCEEDED' | 'ROOT_FIELD_LIMIT_EXCEEDED' | 'DIRECTIVE_LIMIT_EXCEEDED';

export interface OperationLimitViolation {
  code: OperationLimitCode;
  /** Client-visible details, e.g. `{ depth: { actual: 20, max: 15 } }`. */
  extensions: Record<string, { actual: number; max: number }>;
}

/** Pure: the first limit the shape breaks, or null. */
export function checkOperationShape(shape: OperationShape, limits: OperationLimits): OperationLimitViolation | null {
  const checks: Array<[OperationLimitCode, string, number, number]> = [
    ['DEPTH_LIMIT_EXCEEDED', 'depth', shape.depth, limits.maxDepth],
    ['ALIAS_LIMIT_EXCEEDED', 'aliases', shape.aliases, limits.maxAliases],
    ['ROOT_FIELD_LIMIT_EXCEEDED', 'rootFields', shape.rootFields, limits.maxRootFields],
    ['DIRECTIVE_LIMIT_EXCEEDED', 'directives', shape.maxDirectivesPerField, limits.maxDirectivesPerField],
  ];
  for (const [code, key, actual, max] of checks) {
    if (actual > max) return { code, extensions: { [key]: { actual, max } } };
  }
  return null;
}
