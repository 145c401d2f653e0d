import type { Logger } from '../logger';
import type { KeyValueStore } from '../store/key-value-store';
import { responseCacheKey, type CacheScope, type ResponseKeyInput } from './cache-key';
import type { ResponseCacheConfig } from './cache-config';
import { GenerationStore, INITIAL_GENERATION } from './generations';
import { subjectOf } from './subjects';

/** One stored response: data only (responses with errors are never stored). */
export interface CachedResponse {
  data: Record<string, unknown>;
  storedAtMs: number;
  /** Freshness lifetime, in seconds (the merged policy, capped by RESPONSE_CACHE_MAX_AGE_S). */
  maxAgeS: number;
  scope: CacheScope;
  /** The generation of each subject it depends on when it was computed: a bump since makes it invalid. */
  generations: Record<string, string>;
}

export interface CacheLookupInput extends ResponseKeyInput {
  /** The subjects whose generations the key includes (subjects.ts). */
  subjects: readonly string[];
  /** Null for anonymous callers: they neither read nor write private entries. */
  principalId: string | null;
}

/** Where a later store() puts the response, per scope, and the generations it then depends on. */
export interface CacheKeys {
  PUBLIC: string;
  PRIVATE: string | null;
  generations: { PUBLIC: Record<string, string>; PRIVATE: Record<string, string> };
}

export type CacheLookup =
  | { kind: 'fresh'; entry: CachedResponse; ageS: number; keys: CacheKeys }
  | { kind: 'stale'; entry: CachedResponse; ageS: number; keys: CacheKeys }
  | { kind: 'miss'; keys: CacheKeys }
  /** The store failed: serve without the cache (fail open) and do not store. */
  | { kind: 'unavailable' };

/**
 * The whole-response cache (after @apollo/server-plugin-response-cache's design): entries are
 * found by operation hash + variables + operation name (+ caller for PRIVATE), and live for
 * max-age + the stale-if-error window, so a stale copy can stand in when subgraphs fail.
 */
export class ResponseCache {
  private readonly generations: GenerationStore;

  constructor(
    private readonly entries: KeyValueStore,
    generations: KeyValueStore,
    private readonly config: ResponseCacheConfig,
    private readonly log: Logger,
  ) {
    this.generations = new GenerationStore(generations, this.longestLifetimeMs());
  }

  /**
   * One round trip: both scopes' entries and the current generation of every subject are read
   * together (the generations are kept in the entries, not in their keys, so nothing has to be
   * read first). An entry whose generations differ from the current ones was invalidated.
   */
  async lookup(input: CacheLookupInput, nowMs = Date.now()): Promise<CacheLookup> {
    try {
      // A private entry also depends on its caller (`me`, and anything else private to them);
      // a public one must not, or callers could not share it.
      const callerSubjects = input.principalId === null ? [] : [subjectOf(input.principalId)];
      const allSubjects = [...new Set([...input.subjects, ...callerSubjects])];
      const base: ResponseKeyInput = {
        supergraph: input.supergraph,
        queryHash: input.queryHash,
        operationName: input.operationName,
        variables: input.variables,
        varyHeaders: input.varyHeaders,
        access: input.access,
      };
      const privateKey = input.principalId === null ? null : responseCacheKey(base, 'PRIVATE', input.principalId);
      const publicKey = responseCacheKey(base, 'PUBLIC', null);
      const [generations, priv, pub] = await Promise.all([
        this.generations.current(allSubjects),
        privateKey ? this.entries.get(privateKey) : null,
        this.entries.get(publicKey),
      ]);
      const publicGenerations = Object.fromEntries(input.subjects.map((s) => [s, generations[s] ?? INITIAL_GENERATION]));
      const keys: CacheKeys = { PUBLIC: publicKey, PRIVATE: privateKey, generations: { PUBLIC: publicGenerations, PRIVATE: generations } };
      // Both scopes at once. Either is a correct answer for this caller (a public entry was
      // computed for the same access class); the newer wins, so an entry left behind when a
      // policy changed scope cannot shadow the current one.
      const entry = newest(current(parseEntry(priv), generations), current(parseEntry(pub), publicGenerations));
      if (!entry) return { kind: 'miss', keys };
      const ageMs = Math.max(0, nowMs - entry.storedAtMs);
      const ageS = Math.floor(ageMs / 1000);
      return ageMs < entry.maxAgeS * 1000 ? { kind: 'fresh', entry, ageS, keys } : { kind: 'stale', entry, ageS, keys };
    } catch (err) {
      this.log.warn({ error: (err as Error).message }, 'response cache unavailable: serving without it');
      return { kind: 'unavailable' };
    }
  }

  /** Stores a response; the caller has checked it is a query result without errors. Never throws. */
  async store(keys: CacheKeys, policy: { maxAge: number; scope: CacheScope }, data: Record<string, unknown>, nowMs = Date.now()): Promise<'stored' | 'skipped'> {
    const key = keys[policy.scope];
    if (key === null) return 'skipped';
    const maxAgeS = Math.min(policy.maxAge, this.config.maxAgeS);
    const entry: CachedResponse = { data, storedAtMs: nowMs, maxAgeS, scope: policy.scope, generations: keys.generations[policy.scope] };
    const text = JSON.stringify(entry);
    if (Buffer.byteLength(text) > this.config.maxEntryBytes) return 'skipped';
    try {
      await this.entries.set(key, text, (maxAgeS + this.config.staleS) * 1000);
      return 'stored';
    } catch (err) {
      this.log.warn({ error: (err as Error).message }, 'response not cached: store write failed');
      return 'skipped';
    }
  }

  /**
   * A mutation changed these subjects: every entry that depends on them stops being found, on
   * every instance. Awaited before the mutation's response is sent, so the caller's next read
   * (on any instance) sees the change. On a store error the entries stay until max-age.
   */
  async invalidate(subjects: readonly string[]): Promise<void> {
    if (subjects.length === 0) return;
    try {
      await this.generations.bump(subjects);
    } catch (err) {
      this.log.warn({ error: (err as Error).message, subjects }, 'cache invalidation failed: entries expire at their max-age');
    }
  }

  private longestLifetimeMs(): number {
    return (this.config.maxAgeS + this.config.staleS) * 1000 + 60_000;
  }
}

function newest(a: CachedResponse | undefined, b: CachedResponse | undefined): CachedResponse | undefined {
  if (!a || !b) return a ?? b;
  return a.storedAtMs >= b.storedAtMs ? a : b;
}

/** The entry when every subject it depends on still has the generation it was computed under. */
function current(entry: CachedResponse | undefined, generations: Readonly<Record<string, string>>): CachedResponse | undefined {
  if (!entry) return undefined;
  for (const [subject, generation] of Object.entries(generations)) if ((entry.generations[subject] ?? INITIAL_GENERATION) !== generation) return undefined;
  return entry;
}

function parseEntry(text: string | null): CachedResponse | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CachedResponse>;
    if (typeof value.storedAtMs !== 'number' || typeof value.maxAgeS !== 'number' || typeof value.data !== 'object' || value.data === null) return undefined;
    if (value.scope !== 'PUBLIC' && value.scope !== 'PRIVATE') return undefined;
    if (typeof value.generations !== 'object' || value.generations === null) return undefined;
    return value as CachedResponse;
  } catch {
    return undefined;
  }
}
