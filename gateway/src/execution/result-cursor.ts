import type { QueryPlanSelectionNode, ResponsePath } from '@apollo/query-planner';
import { getResponseName } from '@apollo/query-planner';
import { isObjectOfType } from '@apollo/gateway/dist/dataRewrites';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import type { GraphQLSchema } from 'graphql';

/**
 * Where in the result a plan node works: the same model as @apollo/gateway's executeQueryPlan.ts
 * (Elastic License 2.0, © Apollo Graph, Inc.; docs/design.md says why we follow it): a path into
 * the whole result, which may cross lists (`@`), and the objects it points at, flattened.
 */

/** An object of the result being built. Subgraph JSON, so values are unknown until read. */
export type ResultMap = Record<string, unknown>;

export interface ResultCursor {
  /** Path from the root of `fullResult` (`@` where it crosses a list). */
  path: ResponsePath;
  /** The object(s) at `path`: one, or every object reached through the lists on the way. */
  data: ResultMap | ResultMap[];
  /** The root of the result (error paths are rebuilt from it). */
  fullResult: ResultMap;
}

/** The cursor `path` further down; undefined when nothing is there (a null or missing parent). */
export function moveIntoCursor(cursor: ResultCursor, path: ResponsePath): ResultCursor | undefined {
  const data = flattenResultsAtPath(cursor.data, path);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

function flattenResultsAtPath(value: unknown, path: ResponsePath): ResultMap | ResultMap[] | undefined | null {
  if (value === undefined || value === null) return value;
  if (path.length === 0) return value as ResultMap | ResultMap[];
  const [current, ...rest] = path;
  if (current === '@') {
    if (!Array.isArray(value)) throw new Error('Expected a list where the path says "@"');
    return value.flatMap((element: unknown) => flattenResultsAtPath(element, rest) ?? []) as ResultMap[];
  }
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} in a plan path`);
  if (Array.isArray(value)) throw new Error(`Unexpected list in the result at path element ${current}`);
  return flattenResultsAtPath(ownValue(value as ResultMap, current), rest);
}

/**
 * The representation an entity fetch sends for `source` (its `requires` selection, read from the
 * data fetched so far), or null when an input is missing: an earlier fetch failed for it, and that
 * failure has already been reported with more context.
 */
export function requiredInputs(schema: GraphQLSchema, source: ResultMap | null, selections: readonly QueryPlanSelectionNode[]): ResultMap | null {
  if (source === null) return null;
  const result: ResultMap = Object.create(null) as ResultMap;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = getResponseName(selection);
      const value = ownValue(source, responseName);
      if (value === undefined) return null;
      const sub = selection.selections;
      if (Array.isArray(value)) {
        result[responseName] = value.map((item: unknown) => (sub ? requiredInputs(schema, item as ResultMap | null, sub) : item));
      } else if (sub) {
        result[responseName] = requiredInputs(schema, value as ResultMap | null, sub);
      } else {
        result[responseName] = value;
      }
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      deepMerge(result, requiredInputs(schema, source, selection.selections));
    }
  }
  return result;
}

/** An own property only: subgraph JSON must never reach Object.prototype (`__proto__`, `constructor`). */
export function ownValue(object: ResultMap, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
