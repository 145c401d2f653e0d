/** Data access for users. No GraphQL here: resolvers.ts adapts it. */
import { seededUserIds, seedUser, type UserRecord } from '../shared/seed';

export type { UserRecord };

export interface UserPage {
  users: UserRecord[];
  hasNextPage: boolean;
}

export class UsersStore {
  /** In id order: "1", "2", … */
  private readonly users: UserRecord[];
  private readonly positionById: Map<string, number>;

  constructor({ seedUsers }: { seedUsers: number }) {
    this.users = seededUserIds(seedUsers).map(seedUser);
    this.positionById = new Map(this.users.map((user, position) => [user.id, position]));
  }

  /** The users found among `ids`, in no particular order; unknown ids are skipped. */
  async byIds(ids: readonly string[]): Promise<UserRecord[]> {
    return ids.flatMap((id) => {
      const user = this.users[this.positionById.get(id) ?? -1];
      return user ? [user] : [];
    });
  }

  /**
   * Up to `first` users in id order, starting after `afterId` (from the start when null).
   * Undefined when `afterId` is not a user.
   */
  async page(afterId: string | null, first: number): Promise<UserPage | undefined> {
    let start = 0;
    if (afterId !== null) {
      const position = this.positionById.get(afterId);
      if (position === undefined) return undefined;
      start = position + 1;
    }
    return { users: this.users.slice(start, start + first), hasNextPage: start + first < this.users.length };
  }
}
