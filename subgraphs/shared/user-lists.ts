/**
 * In-memory "records per user, newest first": the shape behind every `User.<list>(first:)` field.
 * Batch-friendly (`pages`, `counts` take many user ids) and free of GraphQL, like every store.
 */
export class UserLists<T> {
  private readonly lists = new Map<string, T[]>();

  /** Replaces a user's list; `oldestFirst` is the order seed functions produce. */
  seed(userId: string, oldestFirst: readonly T[]): void {
    this.lists.set(userId, [...oldestFirst].reverse());
  }

  /** Adds a record that is newer than everything the user already has. */
  addNewest(userId: string, record: T): void {
    this.lists.set(userId, [record, ...(this.lists.get(userId) ?? [])]);
  }

  /** Removes and returns the first record matching `predicate`, if any. */
  remove(userId: string, predicate: (record: T) => boolean): T | undefined {
    const list = this.lists.get(userId) ?? [];
    const index = list.findIndex(predicate);
    if (index === -1) return undefined;
    const [removed] = list.splice(index, 1);
    return removed;
  }

  /** A user's whole list, newest first (empty for an unknown user). */
  all(userId: string): readonly T[] {
    return this.lists.get(userId) ?? [];
  }

  /** Each user's newest `first` records; every requested user gets an entry. */
  pages(userIds: readonly string[], first: number): Map<string, T[]> {
    return new Map(userIds.map((userId) => [userId, this.all(userId).slice(0, first)]));
  }

  counts(userIds: readonly string[]): Map<string, number> {
    return new Map(userIds.map((userId) => [userId, this.all(userId).length]));
  }
}
