// Text for humans: one line per error or hint (continuation lines indented), a summary line,
// and the short diff that `--check` prints. Pure string functions.
import type { CompositionDiagnostic, CompositionHintDiagnostic, DiagnosticLocation } from './compose';

export function formatLocation(location: DiagnosticLocation): string {
  return `${location.origin}:${location.line}:${location.column}`;
}

/**
 * `error[FIELD_TYPE_MISMATCH] users, orders: Type of field ... (at subgraphs/users/schema.graphql:3:3, ...)`.
 * Multi-line messages (satisfiability errors embed a query) keep their lines, indented by four spaces.
 */
export function formatCompositionError(error: CompositionDiagnostic): string {
  const subgraphs = error.subgraphs.length > 0 ? ` ${error.subgraphs.join(', ')}` : '';
  return withLocations(`error[${error.code}]${subgraphs}: `, error.message, error.locations);
}

/** `warning[INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE]: Type of field ...` */
export function formatHint(hint: CompositionHintDiagnostic): string {
  return withLocations(`warning[${hint.code}]: `, hint.message, []);
}

export function formatFailureSummary(errorCount: number, hintCount: number): string {
  return `composition failed: ${plural(errorCount, 'error')}${hintCount > 0 ? `, ${plural(hintCount, 'warning')}` : ''}`;
}

export function formatSuccessSummary(subgraphCount: number, hintCount: number, destination: string): string {
  const warnings = hintCount > 0 ? ` with ${plural(hintCount, 'warning')}` : '';
  return `composed ${plural(subgraphCount, 'subgraph')}${warnings} → ${destination}`;
}

/**
 * A unified-style excerpt of the first differing region: `--- <expectedLabel>` is what is on disk,
 * `+++ <actualLabel>` is what composition produces now. At most `maxLines` changed lines per side.
 */
export function shortDiff(
  onDisk: string,
  composed: string,
  opts: { onDiskLabel?: string; composedLabel?: string; context?: number; maxLines?: number } = {},
): string {
  const context = opts.context ?? 2;
  const maxLines = opts.maxLines ?? 8;
  const a = onDisk.split('\n');
  const b = composed.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  if (start === a.length && start === b.length) return '';
  // Trim the common tail so a one-line change shows as one line, not "everything after it".
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const removed = a.slice(start, endA);
  const added = b.slice(start, endB);
  const clip = (lines: string[], sign: string) => [
    ...lines.slice(0, maxLines).map((l) => `${sign}${l}`),
    ...(lines.length > maxLines ? [`${sign}… ${lines.length - maxLines} more line(s)`] : []),
  ];
  const from = Math.max(0, start - context);
  return [
    `--- ${opts.onDiskLabel ?? 'on disk'}`,
    `+++ ${opts.composedLabel ?? 'composed now'}`,
    `@@ -${start + 1},${removed.length} +${start + 1},${added.length} @@`,
    ...a.slice(from, start).map((l) => ` ${l}`),
    ...clip(removed, '-'),
    ...clip(added, '+'),
    ...a.slice(endA, endA + context).map((l) => ` ${l}`),
  ].join('\n');
}

function withLocations(head: string, message: string, locations: readonly DiagnosticLocation[]): string {
  const [first = '', ...rest] = message.trimEnd().split('\n');
  const where = locations.length > 0 ? ` (at ${locations.map(formatLocation).join(', ')})` : '';
  return [`${head}${first}${where}`, ...rest.map((line) => (line === '' ? '' : `    ${line}`))].join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
