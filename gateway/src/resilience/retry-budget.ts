/**
 * A retry budget per subgraph (as in Finagle and Envoy): retries may be at most `ratio` of the
 * requests seen over a sliding window, plus a small floor. When a subgraph is down every call
 * fails, and unbudgeted retries would multiply the load on it by (1 + maxRetries) exactly when it
 * can least take it; with a budget the extra load is bounded by `ratio`.
 *
 * The window is a ring of buckets, so both operations are O(1) and memory is fixed.
 */
export interface RetryBudgetOptions {
  ratio: number;
  minPerWindow: number;
  windowMs: number;
  /** @default 10 */
  buckets?: number;
  now?: () => number;
}

export class RetryBudget {
  private readonly bucketMs: number;
  private readonly requests: number[];
  private readonly retries: number[];
  private readonly stamps: number[];
  private readonly now: () => number;

  constructor(private readonly opts: RetryBudgetOptions) {
    const buckets = opts.buckets ?? 10;
    this.bucketMs = Math.max(1, Math.floor(opts.windowMs / buckets));
    this.requests = new Array<number>(buckets).fill(0);
    this.retries = new Array<number>(buckets).fill(0);
    this.stamps = new Array<number>(buckets).fill(-1);
    this.now = opts.now ?? Date.now;
  }

  /** Counts one first attempt (every call, query or mutation). */
  recordRequest(): void {
    this.requests[this.slot()]! += 1;
  }

  /** Spends one retry if the budget allows it; false means "do not retry". */
  tryRetry(): boolean {
    const slot = this.slot();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.stamps.length; i += 1) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    if (retries + 1 > Math.max(this.opts.minPerWindow, this.opts.ratio * requests)) return false;
    this.retries[slot]! += 1;
    return true;
  }

  /** The current bucket, clearing buckets that fell out of the window. */
  private slot(): number {
    const tick = Math.floor(this.now() / this.bucketMs);
    const slot = tick % this.stamps.length;
    if (this.stamps[slot] !== tick) {
      // Buckets skipped since the last call hold counts older than the window: clear them lazily.
      for (let i = 0; i < this.stamps.length; i += 1) {
        const stamp = this.stamps[i]!;
        if (stamp !== -1 && tick - stamp >= this.stamps.length) {
          this.requests[i] = 0;
          this.retries[i] = 0;
          this.stamps[i] = -1;
        }
      }
      this.requests[slot] = 0;
      this.retries[slot] = 0;
      this.stamps[slot] = tick;
    }
    return slot;
  }
}
