import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../store/key-value-store';

/** The generation of a subject nobody has changed yet (or whose generation expired). */
export const INITIAL_GENERATION = '0';

/**
 * Per-subject generations in the shared store: part of every response cache key, bumped by
 * mutations. Bumping one key invalidates that subject's entries on every instance at once, with
 * no pub/sub to lose messages and no scan of cached keys; the orphaned entries expire by TTL.
 *
 * A generation outlives every entry stored under it (`ttlMs` = the longest entry lifetime), so
 * when a generation key expires no entry of an older generation can still exist to resurface
 * under INITIAL_GENERATION.
 */
export class GenerationStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlMs: number,
  ) {}

  async current(subjects: readonly string[]): Promise<Record<string, string>> {
    const values = await Promise.all(subjects.map((s) => this.store.get(s)));
    const out: Record<string, string> = {};
    subjects.forEach((s, i) => {
      out[s] = values[i] ?? INITIAL_GENERATION;
    });
    return out;
  }

  /** A new random generation (not a counter: the KeyValueStore has no atomic increment, and random values never repeat). */
  async bump(subjects: readonly string[]): Promise<void> {
    await Promise.all(subjects.map((s) => this.store.set(s, randomUUID(), this.ttlMs)));
  }
}
