/**
 * In-flight deduplication: while a call for `key` is running, later callers with the same key get
 * the same promise instead of a new request. Nothing is kept once the call settles (this is not a
 * cache: a response is only ever shared by callers that were waiting for it at the same time).
 */
export class InflightCalls<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** Runs `start` unless a call for `key` is already running; `joined` says which happened. */
  run(key: string, start: () => Promise<T>): { result: Promise<T>; joined: boolean } {
    const existing = this.pending.get(key);
    if (existing) return { result: existing, joined: true };
    const result = start().finally(() => this.pending.delete(key));
    this.pending.set(key, result);
    return { result, joined: false };
  }

  get size(): number {
    return this.pending.size;
  }
}
