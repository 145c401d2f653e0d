import {
  GraphQLError,
  isListType,
  isNonNullType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';
import { fieldError } from '../errors';
import type { DeniedField } from './authorization';

/**
 * Filter mode's two halves around execution: take denied fields out of the document before
 * planning, then put them back into the result as `null` with one UNAUTHORIZED_FIELD_OR_TYPE
 * error each (Apollo Router's behaviour).
 */

/**
 * Stands in for a selection set that lost every field, which GraphQL does not allow; removed from
 * the result again by `applyDenied`. A name no client would pick.
 */
export const PLACEHOLDER_KEY = '_frontdoorAuthzRemoved';

const PLACEHOLDER: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY },
  name: { kind: Kind.NAME, value: '__typename' },
};

export interface FilteredDocument {
  document: DocumentNode;
  /** Some selection set lost every field and holds PLACEHOLDER_KEY instead. */
  hasPlaceholders: boolean;
}

/** The document without the denied field nodes (wherever they sit, fragments included). */
export function removeDenied(document: DocumentNode, denied: readonly DeniedField[]): FilteredDocument {
  const drop = new Set<FieldNode>(denied.map((d) => d.node));
  let placeholders = false;
  const out = visit(document, {
    Field: (node) => (drop.has(node) ? null : undefined),
    SelectionSet: {
      leave: (node: SelectionSetNode) => {
        if (node.selections.length > 0) return undefined;
        placeholders = true;
        return { ...node, selections: [PLACEHOLDER] };
      },
    },
  });
  return { document: out, hasPlaceholders: placeholders };
}

export interface ExecutionResultLike {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLError[];
  extensions?: Record<string, unknown>;
}

/**
 * Sets every denied field to null where its parent object exists in `result.data` and adds one
 * error per such place (list positions expanded). Nulls follow GraphQL's null propagation: a denied
 * non-null field nulls its nearest nullable parent, exactly as a failing resolver would (so
 * subgraph teams should make protected fields nullable). A denied field whose parent is absent
 * (e.g. the user does not exist) still gets one error, at its path without list positions.
 */
export function applyDenied<T extends ExecutionResultLike>(result: T, denied: readonly DeniedField[], filtered: FilteredDocument): T {
  // No data at all: the request failed before execution (e.g. bad variables); nothing to fill in.
  if (result.data === undefined) return result;
  const box: Record<string, unknown> = { data: result.data };
  if (filtered.hasPlaceholders) stripPlaceholders(box.data);
  const errors: GraphQLError[] = [];
  for (const field of denied) {
    const paths = placeDenied(box, field);
    const where = paths.length > 0 ? paths : [field.path.map((s) => s.key)];
    for (const path of where) errors.push(fieldError('UNAUTHORIZED_FIELD_OR_TYPE', {}, { path, nodes: field.node }));
  }
  return { ...result, data: box.data as T['data'], errors: [...(result.errors ?? []), ...errors] };
}

/**
 * Nulls one denied field wherever its parent object is in `box.data` (null propagation included)
 * and returns those places; `applyDenied` and deferred parts (incremental/, which box a part's
 * data under its path first) share it.
 */
export function placeDenied(box: Record<string, unknown>, field: DeniedField): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [];
  placeNull(box, field, paths);
  return paths;
}

interface Slot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  type: GraphQLOutputType | null;
}

function placeNull(box: Record<string, unknown>, field: DeniedField, paths: Array<Array<string | number>>): void {
  const steps = field.path;
  const atObject = (value: unknown, index: number, slots: Slot[], path: Array<string | number>): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const object = value as Record<string, unknown>;
    const step = steps[index];
    if (!step) return;
    // Where the client asked for __typename, only objects the field was selected on get the key.
    if (index === steps.length - 1 && typeof object.__typename === 'string' && !field.possibleParentTypes.includes(object.__typename)) return;
    const slot: Slot = { holder: object, key: step.key, type: step.type };
    if (index === steps.length - 1) {
      paths.push([...path, step.key]);
      nullOut([...slots, slot]);
      return;
    }
    atValue(object[step.key], step.type, index + 1, [...slots, slot], [...path, step.key]);
  };
  const atValue = (value: unknown, type: GraphQLOutputType, index: number, slots: Slot[], path: Array<string | number>): void => {
    if (value === null || value === undefined) return;
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable) && Array.isArray(value)) {
      value.forEach((item, i) => atValue(item, nullable.ofType, index, [...slots, { holder: value, key: i, type: nullable.ofType }], [...path, i]));
      return;
    }
    atObject(value, index, slots, path);
  };
  atObject(box.data, 0, [{ holder: box, key: 'data', type: null }], []);
}

/** Null at the last slot, then upwards while the nulled position is non-null (the `data` slot always is nullable). */
function nullOut(slots: readonly Slot[]): void {
  for (let i = slots.length - 1; i >= 0; i -= 1) {
    const slot = slots[i];
    if (!slot) return;
    (slot.holder as Record<string | number, unknown>)[slot.key] = null;
    if (!slot.type || !isNonNullType(slot.type)) return;
  }
}

/** Removes the PLACEHOLDER_KEY fields `removeDenied` had to add, wherever they are. */
export function stripPlaceholders(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) stripPlaceholders(item);
  } else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    delete object[PLACEHOLDER_KEY];
    for (const child of Object.values(object)) stripPlaceholders(child);
  }
}
