import type { GateRequest } from './request-gate';
import type { BucketShape } from './token-bucket';

/** How long a refund may wait for its caller's next request before it is sent on its own, in ms. */
const FLUSH_MS = 1000;

/**
 * Budget points owed back to callers (reserved from the estimate, not used by the response). A
 * refund costs no round trip of its own: the caller's next gate on this instance carries it
 * (request-gate.ts), and whatever is still owed after FLUSH_MS is sent on its own, in one batch.
 * Until then the caller has fewer points than it could, never more.
 */
export class PendingRefunds {
  private readonly owed = new Map<string, { callerKey: string; shape: BucketShape; points: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly send: (request: GateRequest) => Promise<void>) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  add(budgetKey: string, callerKey: string, shape: BucketShape, points: number): void {
    const entry = this.owed.get(budgetKey);
    this.owed.set(budgetKey, { callerKey, shape, points: (entry?.points ?? 0) + points });
  }

  /** What is owed on this bucket, now handed to the caller's gate (which re-adds it if the gate fails). */
  takeFor(budgetKey: string): number {
    const entry = this.owed.get(budgetKey);
    if (!entry) return 0;
    this.owed.delete(budgetKey);
    return entry.points;
  }

  async flush(): Promise<void> {
    const entries = [...this.owed.entries()];
    this.owed.clear();
    // Sent in one tick: the client writes them together (one batch per shard).
    await Promise.all(
      entries.map(([key, e]) => this.send({ callerKey: e.callerKey, limits: [], budget: { key, shape: e.shape, take: 0, refund: e.points } }).catch(() => undefined)),
    );
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.flush();
  }
}
