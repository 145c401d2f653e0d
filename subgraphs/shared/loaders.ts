/**
 * DataLoader factories shared by every subgraph. Each turns one store batch call into many `load()`s,
 * so an `_entities` request with N representations costs one store call per type, not N.
 * Create them per request (SubgraphDefinition.createLoaders), never at module scope.
 */
import DataLoader from 'dataloader';

/**
 * Key → record or null. `fetch` returns the records it found, in any order (like `WHERE id IN (…)`);
 * the loader aligns them with the keys.
 */
export function createByKeyLoader<T>(
  fetch: (keys: readonly string[]) => Promise<readonly T[]>,
  keyOf: (record: T) => string,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const found = new Map((await fetch(keys)).map((record) => [keyOf(record), record]));
    return keys.map((key) => found.get(key) ?? null);
  });
}

/** Key → value, where a missing key means `fallback` (e.g. a count of 0). */
export function createByUserLoader<V>(
  fetch: (userIds: readonly string[]) => Promise<ReadonlyMap<string, V>>,
  fallback: V,
): DataLoader<string, V> {
  return new DataLoader<string, V>(async (userIds) => {
    const found = await fetch(userIds);
    return userIds.map((userId) => found.get(userId) ?? fallback);
  });
}

/** A per-user list field with a page size, e.g. `User.orders(first: 5)`. */
export interface UserListKey {
  userId: string;
  first: number;
}

/**
 * (userId, first) → that user's first `first` records. Keys are grouped by `first`, so the usual case
 * (every user asked with the same `first`) is exactly one store call.
 */
export function createUserListLoader<T>(
  fetch: (userIds: readonly string[], first: number) => Promise<ReadonlyMap<string, readonly T[]>>,
): DataLoader<UserListKey, readonly T[], string> {
  return new DataLoader<UserListKey, readonly T[], string>(
    async (keys) => {
      const userIdsByFirst = new Map<number, string[]>();
      for (const { userId, first } of keys) {
        userIdsByFirst.set(first, [...(userIdsByFirst.get(first) ?? []), userId]);
      }
      const pages = new Map<string, readonly T[]>();
      await Promise.all(
        [...userIdsByFirst].map(async ([first, userIds]) => {
          for (const [userId, records] of await fetch(userIds, first)) pages.set(`${userId}:${first}`, records);
        }),
      );
      return keys.map(({ userId, first }) => pages.get(`${userId}:${first}`) ?? []);
    },
    { cacheKeyFn: ({ userId, first }) => `${userId}:${first}` },
  );
}
