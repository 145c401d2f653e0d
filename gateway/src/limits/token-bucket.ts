/**
 * Pure token-bucket math for per-caller cost budgets (GitHub's and Shopify's model): a bucket
 * holds up to `capacity` points and regains `restorePerSecond` continuously. The request gate's
 * Redis script (gate-script.ts) does exactly this, atomically.
 */
export interface BucketShape {
  capacity: number;
  restorePerSecond: number;
}

export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface TakeResult {
  allowed: boolean;
  state: BucketState;
  /** Points left after this decision. */
  available: number;
  /** 0 when allowed; else how long until `cost` points will be there, in ms. */
  retryAfterMs: number;
}

/** Tokens in the bucket at `nowMs`; an unknown bucket is full. */
export function tokensAt(state: BucketState | undefined, nowMs: number, shape: BucketShape): number {
  if (!state) return shape.capacity;
  const elapsedMs = Math.max(0, nowMs - state.updatedAtMs);
  return Math.min(shape.capacity, state.tokens + (elapsedMs * shape.restorePerSecond) / 1000);
}

/** Takes `cost` points if they are there; otherwise takes nothing and says when to retry. */
export function take(state: BucketState | undefined, cost: number, nowMs: number, shape: BucketShape): TakeResult {
  const tokens = tokensAt(state, nowMs, shape);
  if (tokens >= cost) {
    const next = { tokens: tokens - cost, updatedAtMs: nowMs };
    return { allowed: true, state: next, available: next.tokens, retryAfterMs: 0 };
  }
  const retryAfterMs = Math.ceil(((cost - tokens) * 1000) / shape.restorePerSecond);
  return { allowed: false, state: { tokens, updatedAtMs: nowMs }, available: tokens, retryAfterMs };
}

/** Gives `points` back (never above capacity). */
export function give(state: BucketState | undefined, points: number, nowMs: number, shape: BucketShape): BucketState {
  return { tokens: Math.min(shape.capacity, tokensAt(state, nowMs, shape) + points), updatedAtMs: nowMs };
}

/** How long until a bucket with `tokens` is full again, in ms (its storage TTL). */
export function msUntilFull(tokens: number, shape: BucketShape): number {
  return Math.ceil(((shape.capacity - tokens) * 1000) / shape.restorePerSecond);
}
