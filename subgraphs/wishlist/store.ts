/** Data access for wishlists (mutable, in memory). No GraphQL here: resolvers.ts adapts it. */
import { seededUserIds, seedWishlistForUser, type WishlistItemRecord } from '../shared/seed';
import { UserLists } from '../shared/user-lists';

export type { WishlistItemRecord };

export interface WishlistStoreOptions {
  seedUsers: number;
  /** Clock for items added at runtime. @default () => new Date() */
  now?: () => Date;
}

export class WishlistStore {
  private readonly byUser = new UserLists<WishlistItemRecord>();
  /** Highest item number handed out per user, so a removed item's id is never reused. */
  private readonly lastItemNumber = new Map<string, number>();
  private readonly now: () => Date;

  constructor({ seedUsers, now = () => new Date() }: WishlistStoreOptions) {
    this.now = now;
    for (const userId of seededUserIds(seedUsers)) {
      const items = seedWishlistForUser(userId);
      this.byUser.seed(userId, items);
      this.lastItemNumber.set(userId, items.length);
    }
  }

  /** Each user's `first` most recently added items; every requested user has an entry. */
  async listByUsers(userIds: readonly string[], first: number): Promise<Map<string, WishlistItemRecord[]>> {
    return this.byUser.pages(userIds, first);
  }

  async countByUsers(userIds: readonly string[]): Promise<Map<string, number>> {
    return this.byUser.counts(userIds);
  }

  /** Adds `sku` with id `w-<user>-<n>`; when the sku is already there, returns the existing item. */
  async add(userId: string, sku: string, name: string): Promise<WishlistItemRecord> {
    const existing = this.byUser.all(userId).find((item) => item.sku === sku);
    if (existing) return existing;
    const n = (this.lastItemNumber.get(userId) ?? 0) + 1;
    this.lastItemNumber.set(userId, n);
    const item = { id: `w-${userId}-${n}`, userId, sku, name, addedAt: this.now().toISOString() };
    this.byUser.addNewest(userId, item);
    return item;
  }

  /** Removes the item; false when this user has no item with that id. */
  async remove(userId: string, itemId: string): Promise<boolean> {
    return this.byUser.remove(userId, (item) => item.id === itemId) !== undefined;
  }
}
