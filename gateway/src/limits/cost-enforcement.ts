import type { DirectiveIndex } from '../directives/directive-index';

/** The directives that make cost estimates mean something: without them every list is a guess. */
const COST_DIRECTIVES = ['cost', 'listSize'];

const declaredByIndex = new WeakMap<DirectiveIndex, boolean>();

/** Whether the supergraph declares `@cost` or `@listSize` anywhere; remembered per index (one per schema load). */
export function declaresCostDirectives(index: DirectiveIndex): boolean {
  let declared = declaredByIndex.get(index);
  if (declared === undefined) {
    declared = COST_DIRECTIVES.some((name) => index.coordinatesWith(name).length > 0);
    declaredByIndex.set(index, declared);
  }
  return declared;
}

/**
 * Whether cost limits refuse operations (COST_MAX, the budget's capacity, an empty budget) or only
 * measure them. `auto` (the default) enforces only while the served supergraph declares cost
 * directives: on a graph without any, the estimate multiplies COST_DEFAULT_LIST_SIZE at every
 * list, and three nested lists already exceed the default maximum (issue #12), so the defaults
 * would refuse operations a plain gateway answers. Re-read per request, so a reload that adds or
 * removes the directives switches it.
 */
export function costEnforced(mode: 'auto' | 'enforce' | 'measure', index: DirectiveIndex): boolean {
  if (mode === 'auto') return declaresCostDirectives(index);
  return mode === 'enforce';
}
