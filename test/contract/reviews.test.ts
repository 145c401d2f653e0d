import { createSubgraph } from '../../subgraphs/registry';
import { seedReviewsForUser } from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { identityHeaders } from '../helpers/tokens';
import { graphql, resolveEntities } from './graphql-client';

const ADD_REVIEW = `mutation AddReview($input: AddReviewInput!) {
  addReview(input: $input) { id rating body productSku createdAt }
}`;

interface ReviewStats {
  count: number;
  averageRating: number | null;
}

/** The first seeded user (from `from` on) with exactly `count` reviews. */
function userWithReviews(count: number, from = 1): string {
  for (let id = from; ; id++) {
    if (seedReviewsForUser(String(id)).length === count) return String(id);
  }
}

describe('reviews subgraph', () => {
  let handle: SubgraphHandle;

  beforeAll(async () => {
    handle = await startSubgraph(createSubgraph('reviews'), { logLevel: 'silent' });
  });
  afterAll(() => handle.stop());

  const statsOf = async (userId: string): Promise<ReviewStats | undefined> => {
    const { data } = await resolveEntities<{ reviewStats: ReviewStats }>(handle.url, 'User', [userId], 'reviewStats { count averageRating }');
    return data?._entities[0]?.reviewStats;
  };

  it('when a user wrote no reviews, then reviewStats has count 0 and a null average', async () => {
    // Act
    const stats = await statsOf(userWithReviews(0));

    // Assert
    expect(stats).toEqual({ count: 0, averageRating: null });
  });

  it('when a review is added, then reviewStats counts it and recomputes the average', async () => {
    // Arrange
    const userId = userWithReviews(2);
    const seededRatings = seedReviewsForUser(userId).map((review) => review.rating);

    // Act
    const { data, errors } = await graphql<{ addReview: { id: string; rating: number } }>(handle.url, ADD_REVIEW, {
      variables: { input: { userId, productSku: 'SKU-005', rating: 5, body: 'Great filters.' } },
    });

    // Assert
    expect(errors).toBeUndefined();
    expect(data?.addReview).toMatchObject({ id: `r-${userId}-3`, rating: 5 });
    expect(await statsOf(userId)).toEqual({ count: 3, averageRating: (seededRatings[0]! + seededRatings[1]! + 5) / 3 });
    const listed = await resolveEntities<{ reviews: Array<{ id: string }> }>(handle.url, 'User', [userId], 'reviews(first: 1) { id }');
    expect(listed.data?._entities[0]?.reviews).toEqual([{ id: `r-${userId}-3` }]);
  });

  it('when userId is omitted, then the review is written by the caller', async () => {
    // Arrange
    const userId = userWithReviews(0, 50);

    // Act
    const { data } = await graphql<{ addReview: { id: string } }>(handle.url, ADD_REVIEW, {
      variables: { input: { productSku: 'SKU-001', rating: 4, body: 'Good.' } },
      headers: identityHeaders(userId),
    });

    // Assert
    expect(data?.addReview.id).toBe(`r-${userId}-1`);
    expect(await statsOf(userId)).toEqual({ count: 1, averageRating: 4 });
  });

  it.each([
    ['rating is 0', { userId: '1', productSku: 'SKU-001', rating: 0, body: 'x' }],
    ['rating is 6', { userId: '1', productSku: 'SKU-001', rating: 6, body: 'x' }],
    ['the sku is not in the catalog', { userId: '1', productSku: 'NOPE', rating: 3, body: 'x' }],
    ['there is neither userId nor caller', { productSku: 'SKU-001', rating: 3, body: 'x' }],
  ])('when %s, then addReview fails with BAD_USER_INPUT', async (_situation, input) => {
    // Act
    // Anonymous only for the last row, whose point is that there is no caller.
    const { data, errors } = await graphql(handle.url, ADD_REVIEW, { variables: { input }, identity: 'userId' in input ? 'admin' : 'anonymous' });

    // Assert
    expect(data).toBeNull();
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
