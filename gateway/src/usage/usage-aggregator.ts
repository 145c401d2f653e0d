/** Operation names kept per coordinate: names are chosen by clients, so they must be bounded. */
export const MAX_OPERATION_NAMES_PER_COORDINATE = 20;

export interface UsageBatch {
  /** coordinate → operations that selected it in this batch */
  counts: Map<string, number>;
  /** coordinate → operation names seen in this batch (bounded) */
  operations: Map<string, Set<string>>;
}

/**
 * Counts field usage in memory between flushes, so recording costs no I/O per request: the sink
 * receives one batch every USAGE_FLUSH_MS.
 */
export class UsageAggregator {
  private batch: UsageBatch = emptyBatch();

  record(coordinates: readonly string[], operationName: string | null): void {
    for (const coordinate of coordinates) {
      this.batch.counts.set(coordinate, (this.batch.counts.get(coordinate) ?? 0) + 1);
      if (!operationName) continue;
      const names = this.batch.operations.get(coordinate) ?? new Set<string>();
      if (names.size < MAX_OPERATION_NAMES_PER_COORDINATE) names.add(operationName);
      this.batch.operations.set(coordinate, names);
    }
  }

  /** Hands over what was recorded since the last call and starts a new batch. */
  drain(): UsageBatch | null {
    if (this.batch.counts.size === 0) return null;
    const out = this.batch;
    this.batch = emptyBatch();
    return out;
  }
}

function emptyBatch(): UsageBatch {
  return { counts: new Map(), operations: new Map() };
}
