/**
 * Shared state of one kind: a string value per key with a time to live. Two implementations,
 * chosen once at start-up: in-memory (the embedded default, one instance) and Redis (a fleet).
 * Callers pass keys without the deployment prefix; implementations add it.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs` milliseconds (at least 1). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only when the key is absent; true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Which implementation, for logs and /ready. */
  readonly kind: 'memory' | 'redis';
}
