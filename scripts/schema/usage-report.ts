import type { SchemaChange } from './api-schema-diff';

/** What the gateway recorded about one schema coordinate (see gateway/src/usage/). */
export interface CoordinateUsage {
  /** Operations that selected it, since recording started. */
  count: number;
  /** Names of (some of) those operations; bounded per coordinate. */
  operations: readonly string[];
}

export type UsageData = ReadonlyMap<string, CoordinateUsage>;

export interface ClassifiedChange extends SchemaChange {
  /** null when no usage data was available at all. */
  usage: CoordinateUsage | null;
}

/**
 * Pure: pairs each change with recorded traffic. A change to `User` counts the usage of every
 * `User.*` field; a change to `User.email` only that field's.
 */
export function classifyByUsage(changes: readonly SchemaChange[], usage: UsageData | null): ClassifiedChange[] {
  return changes.map((change) => ({ ...change, usage: usage ? usageOf(change.coordinate, usage) : null }));
}

function usageOf(coordinate: string, usage: UsageData): CoordinateUsage {
  const direct = usage.get(coordinate);
  if (coordinate.includes('.')) return direct ?? { count: 0, operations: [] };
  let count = direct?.count ?? 0;
  const operations = new Set(direct?.operations ?? []);
  for (const [key, value] of usage) {
    if (!key.startsWith(`${coordinate}.`)) continue;
    count += value.count;
    for (const op of value.operations) operations.add(op);
  }
  return { count, operations: [...operations].sort() };
}

export interface CheckVerdict {
  ok: boolean;
  lines: string[];
}

/** The report `npm run check` prints, and whether it passes. */
export function renderCheckReport(changes: readonly ClassifiedChange[], opts: { allowBreaking: boolean }): CheckVerdict {
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const dangerous = changes.filter((c) => c.severity === 'dangerous');
  const lines: string[] = [];
  const describe = (c: ClassifiedChange): string => {
    if (!c.usage) return `  ${c.type} ${c.description}`;
    const traffic =
      c.usage.count > 0
        ? `USED by ${c.usage.count} operation(s)${c.usage.operations.length ? `: ${c.usage.operations.join(', ')}` : ''}`
        : 'unused in recorded traffic';
    return `  ${c.type} ${c.description} — ${traffic}`;
  };
  if (breaking.length) lines.push(`breaking changes (${breaking.length}):`, ...breaking.map(describe));
  if (dangerous.length) lines.push(`dangerous changes (${dangerous.length}):`, ...dangerous.map(describe));
  if (!breaking.length && !dangerous.length) lines.push('no breaking or dangerous changes to the API schema');
  const usedBreaking = breaking.filter((c) => c.usage === null || c.usage.count > 0);
  if (breaking.some((c) => c.usage !== null)) {
    lines.push(`${usedBreaking.length} of ${breaking.length} breaking change(s) touch fields clients used`);
  } else if (breaking.length) {
    lines.push('no usage data: every breaking change is assumed to affect clients');
  }
  const ok = breaking.length === 0 || opts.allowBreaking;
  return { ok, lines };
}
