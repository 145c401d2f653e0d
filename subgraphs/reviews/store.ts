/** Data access for reviews (mutable, in memory). No GraphQL here: resolvers.ts adapts it. */
import { seededUserIds, seedReviewsForUser, type ReviewRecord } from '../shared/seed';
import { UserLists } from '../shared/user-lists';

export type { ReviewRecord };

export interface ReviewStatsRecord {
  count: number;
  /** Unrounded mean; null when count is 0. */
  averageRating: number | null;
}

export type NewReview = Pick<ReviewRecord, 'userId' | 'productSku' | 'rating' | 'body'>;

export interface ReviewsStoreOptions {
  seedUsers: number;
  /** Clock for reviews added at runtime. @default () => new Date() */
  now?: () => Date;
}

export class ReviewsStore {
  private readonly byUser = new UserLists<ReviewRecord>();
  private readonly now: () => Date;

  constructor({ seedUsers, now = () => new Date() }: ReviewsStoreOptions) {
    this.now = now;
    for (const userId of seededUserIds(seedUsers)) this.byUser.seed(userId, seedReviewsForUser(userId));
  }

  /** Each user's newest `first` reviews; every requested user has an entry. */
  async listByUsers(userIds: readonly string[], first: number): Promise<Map<string, ReviewRecord[]>> {
    return this.byUser.pages(userIds, first);
  }

  /** Every requested user has an entry (count 0, averageRating null when they wrote none). */
  async statsByUsers(userIds: readonly string[]): Promise<Map<string, ReviewStatsRecord>> {
    return new Map(
      userIds.map((userId) => {
        const reviews = this.byUser.all(userId);
        const sum = reviews.reduce((total, review) => total + review.rating, 0);
        return [userId, { count: reviews.length, averageRating: reviews.length === 0 ? null : sum / reviews.length }];
      }),
    );
  }

  /** Stores the review with id `r-<user>-<n>`; reviews are never deleted, so n = count + 1. */
  async add(review: NewReview): Promise<ReviewRecord> {
    const record: ReviewRecord = {
      ...review,
      id: `r-${review.userId}-${this.byUser.all(review.userId).length + 1}`,
      createdAt: this.now().toISOString(),
    };
    this.byUser.addNewest(review.userId, record);
    return record;
  }
}
