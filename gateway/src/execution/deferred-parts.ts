import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import {
  baseType,
  isCompositeType,
  isSubtype,
  Operation,
  parseSelectionSet,
  type CompositeType,
  type FieldSelection,
  type SelectionSet,
} from '@apollo/federation-internals';
import { GraphQLError } from 'graphql';
import { ownValue, type ResultMap } from './result-cursor';
import { shapeResult, type Shaping } from './shape-result';

/** A concrete place in the response: response keys and list positions. */
export type ResponsePathKeys = Array<string | number>;

/** One deferred block's data at one place, before it gets its label. */
export interface ShapedItem {
  path: ResponsePathKeys;
  data: Record<string, unknown> | null;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
}

interface Located {
  path: ResponsePathKeys;
  raw: ResultMap;
  type: CompositeType;
}

/**
 * Cuts the data a deferred plan gathered into the parts the client receives, using the planner's
 * own `subselection` of each part (relative to the type at the part's `queryPath`). Shaping uses
 * @apollo/gateway's `computeResponse`, as a whole result does, so a part holds exactly what the
 * same selection would hold in a non-deferred response (order, aliases, `__typename`, nulls).
 */
export class DeferredParts {
  private readonly parsed = new Map<string, SelectionSet>();

  constructor(private readonly shaping: Shaping) {}

  /** The initial payload: the root fields of the primary `subselection`. */
  primary(subselection: string | undefined, raw: ResultMap, fetchErrors: readonly GraphQLError[]) {
    const { operation } = this.shaping;
    const root = operation.schema().schemaDefinition.rootType(operation.rootKind);
    if (!subselection || !root) return { data: {}, ...(fetchErrors.length > 0 ? { errors: [...fetchErrors] } : {}) };
    const primaryOperation = new Operation(operation.schema(), operation.rootKind, this.selectionSet(root, subselection), operation.variableDefinitions, undefined, operation.name);
    return shapeResult({ ...this.shaping, operation: primaryOperation }, raw, fetchErrors);
  }

  /**
   * One item per object at `queryPath` that the client has been sent (`delivered`), shaped from
   * the fetched data (`raw`) at the same place. Fetch errors go to the item whose path they are
   * under (else the first, with its path when they have none); post-processing errors become
   * `extensions.valueCompletion` when there were no fetch errors, as for a whole result.
   */
  items(queryPath: readonly string[], subselection: string | undefined, raw: ResultMap, delivered: ResultMap, fetchErrors: readonly GraphQLError[]): ShapedItem[] {
    const items: ShapedItem[] = this.locate(queryPath, raw, delivered).map((at) => this.shapeAt(at, subselection, fetchErrors.length === 0));
    if (fetchErrors.length === 0 || items.length === 0) return items;
    for (const error of fetchErrors) {
      const home = items.find((item) => isUnder(error.path, item.path)) ?? items[0];
      if (!home) continue;
      // A failed call (timeout, refused) has no path of its own: it is the part's, at the part's place.
      const placed = error.path ? error : new GraphQLError(error.message, { path: home.path, extensions: error.extensions, originalError: error.originalError ?? error });
      (home.errors ??= []).push(placed);
    }
    return items;
  }

  /** Where a block would be delivered: the places at `queryPath` the client has. */
  places(queryPath: readonly string[], raw: ResultMap, delivered: ResultMap): ResponsePathKeys[] {
    return this.locate(queryPath, raw, delivered).map((at) => at.path);
  }

  private shapeAt(at: Located, subselection: string | undefined, reportCompletion: boolean): ShapedItem {
    if (!subselection) return { path: at.path, data: {} };
    const { operation, variables } = this.shaping;
    const partOperation = new Operation(operation.schema(), operation.rootKind, this.selectionSet(at.type, subselection), operation.variableDefinitions);
    // computeResponse takes the root type as the parent of the top selection; with `__typename`
    // present it reads the object's real type instead, which is what this part is about.
    const input = typeof at.raw.__typename === 'string' ? at.raw : { ...at.raw, __typename: at.type.name };
    const { data, errors } = computeResponse({ operation: partOperation, variables, input, introspectionHandling: () => null });
    const rebased = errors.map((e) => new GraphQLError(e.message, { path: [...at.path, ...(e.path ?? [])], extensions: e.extensions }));
    return { path: at.path, data: data ?? null, ...(reportCompletion && rebased.length > 0 ? { extensions: { valueCompletion: rebased } } : {}) };
  }

  private selectionSet(type: CompositeType, source: string): SelectionSet {
    const key = `${type.name}\n${source}`;
    let parsed = this.parsed.get(key);
    if (!parsed) {
      parsed = parseSelectionSet({ parentType: type, source, variableDefinitions: this.shaping.operation.variableDefinitions });
      this.parsed.set(key, parsed);
    }
    return parsed;
  }

  /** Walks `queryPath` (response keys and `... on T` steps) through the delivered data, lists expanded. */
  private locate(queryPath: readonly string[], raw: ResultMap, delivered: ResultMap): Located[] {
    const { operation } = this.shaping;
    const schema = operation.schema();
    const root = schema.schemaDefinition.rootType(operation.rootKind);
    if (!root) return [];
    let states: Array<Located & { shown: ResultMap; sets: SelectionSet[] }> = [{ path: [], raw, shown: delivered, type: root, sets: [operation.selectionSet] }];
    for (const step of queryPath) {
      if (step.startsWith('... on ')) {
        const condition = schema.type(step.slice('... on '.length));
        if (!condition || !isCompositeType(condition)) return [];
        states = states.filter((s) => runtimeType(s) === condition || isSubtype(condition, runtimeType(s))).map((s) => ({ ...s, type: condition }));
        continue;
      }
      const next: typeof states = [];
      for (const state of states) {
        const fields = fieldsNamed(state.sets, step);
        const declared = fields[0]?.element.definition.type;
        const fieldType = declared ? baseType(declared) : undefined;
        if (!fieldType || !isCompositeType(fieldType)) continue;
        const sets = fields.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
        expand(ownValue(state.shown, step), ownValue(state.raw, step), [...state.path, step], (path, shown, rawObject) => next.push({ path, shown, raw: rawObject, type: fieldType, sets }));
      }
      states = next;
    }
    return states.map((s) => ({ path: s.path, raw: s.raw, type: runtimeType(s) }));
  }
}

/** The object's own type when the data says it (`__typename`), else the type the query path gives. */
function runtimeType(state: Located): CompositeType {
  const name = state.raw.__typename;
  const type = typeof name === 'string' ? state.type.schema().type(name) : undefined;
  return type && isCompositeType(type) ? type : state.type;
}

/** Every selection of response key `key` in these selection sets, looking into fragments. */
function fieldsNamed(sets: readonly SelectionSet[], key: string): FieldSelection[] {
  const out: FieldSelection[] = [];
  const visit = (set: SelectionSet): void => {
    for (const selection of set.selections()) {
      if (selection.kind === 'FieldSelection') {
        if (selection.element.responseName() === key) out.push(selection);
      } else {
        visit(selection.selectionSet);
      }
    }
  };
  sets.forEach(visit);
  return out;
}

/** Calls `found` for every object in `shown` (lists expanded, nulls skipped) with its raw counterpart. */
function expand(shown: unknown, raw: unknown, path: ResponsePathKeys, found: (path: ResponsePathKeys, shown: ResultMap, raw: ResultMap) => void): void {
  if (shown === null || shown === undefined || typeof shown !== 'object') return;
  if (Array.isArray(shown)) {
    shown.forEach((item: unknown, i) => expand(item, Array.isArray(raw) ? (raw[i] as unknown) : undefined, [...path, i], found));
    return;
  }
  found(path, shown as ResultMap, raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as ResultMap) : {});
}

function isUnder(path: readonly (string | number)[] | undefined, prefix: ResponsePathKeys): boolean {
  return !!path && path.length >= prefix.length && prefix.every((key, i) => path[i] === key);
}
