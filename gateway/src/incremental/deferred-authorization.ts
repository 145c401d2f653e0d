import type { Decision } from '../auth/authorization-decisions';
import { placeDenied, stripPlaceholders } from '../auth/authorization-filter';
import type { DeniedField } from '../auth/authorization';
import { fieldError } from '../errors';
import type { PartToSend } from '../execution/incremental-payloads';
import type { DeferDocument } from './defer-document';

/**
 * Filter mode inside a deferred response: the planner never saw the fields this caller may not
 * see (the filtered document was planned), so each part gets them back as `null` +
 * UNAUTHORIZED_FIELD_OR_TYPE, exactly as `applyDenied` does for a whole result, but only in the
 * part whose @defer holds the field (a field in a deferred fragment is not announced in the
 * primary part). Undefined when nothing was filtered.
 */
export function authorizeParts(decision: Decision | undefined, deferDoc: DeferDocument, variables: Record<string, unknown>): ((part: PartToSend) => void) | undefined {
  const filtered = decision?.filtered;
  if (!decision || !filtered) return undefined;
  const byPart = new Map<string | undefined, DeniedField[]>();
  for (const field of decision.denied) {
    const label = deferDoc.partOf(field.node, variables);
    byPart.set(label, [...(byPart.get(label) ?? []), field]);
  }
  return (part) => {
    if (part.data === null || part.data === undefined) return;
    if (filtered.document.hasPlaceholders) stripPlaceholders(part.data);
    const fields = byPart.get(part.label);
    if (!fields) return;
    const box: Record<string, unknown> = { data: boxed(part.path, part.data) };
    for (const field of fields) {
      const places = placeDenied(box, field);
      // As in a whole result, a field whose parent is absent still gets its error, once, in the primary part.
      const where = places.length > 0 ? places : part.label === undefined ? [field.path.map((s) => s.key)] : [];
      for (const path of where) part.errors.push(fieldError('UNAUTHORIZED_FIELD_OR_TYPE', {}, { path, nodes: field.node }));
    }
    part.data = unboxed(box.data, part.path);
  };
}

/** `data` placed at `path` in an otherwise empty response (list positions before it left as holes). */
function boxed(path: ReadonlyArray<string | number>, data: Record<string, unknown>): unknown {
  let value: unknown = data;
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const key = path[i];
    if (typeof key === 'number') {
      const list: unknown[] = new Array<unknown>(key + 1);
      list[key] = value;
      value = list;
    } else if (key !== undefined) {
      value = { [key]: value };
    }
  }
  return value;
}

/** The part's data again, or null when a denied non-null field nulled it (or a parent of it). */
function unboxed(value: unknown, path: ReadonlyArray<string | number>): Record<string, unknown> | null {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return null;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at !== null && typeof at === 'object' ? (at as Record<string, unknown>) : null;
}
