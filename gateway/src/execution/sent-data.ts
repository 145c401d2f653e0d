import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import type { ResponsePathKeys } from './deferred-parts';
import type { ResultMap } from './result-cursor';

/**
 * What the client of an incremental response holds so far: the primary data with every item
 * merged in at its path, as Apollo Client merges them. Copies, because the payloads themselves
 * are serialized later, by the HTTP writer.
 */
export class SentData {
  data: ResultMap = Object.create(null) as ResultMap;

  replace(data: Record<string, unknown>): void {
    this.data = clone(data);
  }

  mergeAt(path: ResponsePathKeys, data: Record<string, unknown>): void {
    let at: unknown = this.data;
    for (const key of path) {
      if (at === null || typeof at !== 'object') return;
      at = (at as Record<string | number, unknown>)[key];
    }
    if (at !== null && typeof at === 'object' && !Array.isArray(at)) deepMerge(at, clone(data));
  }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
