import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSecondGateway, type ExtraGateway } from '../helpers/second-gateway';
import { startStack, uniqueKeyPrefix, type GraphQLResult, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

type Profile = { user: { wishlist: { count: number }; orders: Array<{ id: string }>; reviewStats: { count: number } } };

describe('response cache: invalidation across instances', () => {
  let stack: Stack; // instance A (and the subgraphs)
  let b: ExtraGateway; // instance B: same subgraphs, same Redis prefix

  beforeAll(async () => {
    const keyPrefix = uniqueKeyPrefix();
    stack = await startStack({ redis: { keyPrefix } });
    b = await startSecondGateway(stack, keyPrefix);
  });
  afterAll(async () => {
    await b?.stop();
    await stack?.stop();
  });

  /** User `id` reads their own profile on B, with the scopes it needs. */
  async function profileOnB(id: string): Promise<GraphQLResult> {
    return b.post({ query: PROFILE, variables: { id } }, await profileOwner(id));
  }

  /** B answers user `id`'s profile from its cache (no subgraph call) before the mutation. */
  async function cachedOnB(id: string): Promise<Profile> {
    const first = await profileOnB(id);
    expect(first.body.errors).toBeUndefined();
    stack.clearRecordedRequests();
    const hit = await profileOnB(id);
    expect(hit.headers.get('age')).not.toBeNull();
    expect(stack.subgraphs.users?.requests).toHaveLength(0);
    return first.body.data as Profile;
  }

  it('when a wishlist mutation names the user on instance A, then instance B serves that user fresh data', async () => {
    // Arrange
    const before = await cachedOnB('31');

    // Act: the mutation on A as an admin (not the user), so the user comes from its userId argument
    const mutation = await stack.query(
      'mutation Add($u: ID!, $sku: String!) { addToWishlist(userId: $u, sku: $sku, name: "Kettle") { count } }',
      { u: '31', sku: `SKU-${randomUUID()}` },
      await bearer('support-1', 'admin'),
    );
    const after = await profileOnB('31');

    // Assert
    expect(mutation.body.errors).toBeUndefined();
    expect(after.headers.get('age')).toBeNull();
    expect((after.body.data as Profile).user.wishlist.count).toBe(before.user.wishlist.count + 1);
  });

  it('when placeOrder names the user in a variable input, then instance B serves the new order', async () => {
    // Arrange
    const before = await cachedOnB('32');

    // Act
    const placed = await stack.query(
      'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      { input: { userId: '32', items: [{ sku: 'SKU-001', quantity: 1 }] } },
      await bearer('32'),
    );
    const after = await profileOnB('32');

    // Assert
    expect(placed.body.errors).toBeUndefined();
    expect(after.headers.get('age')).toBeNull();
    expect((after.body.data as Profile).user.orders[0]?.id).toBe((placed.body.data as { placeOrder: { id: string } }).placeOrder.id);
    expect(before.user.orders[0]?.id).not.toBe((placed.body.data as { placeOrder: { id: string } }).placeOrder.id);
  });

  it('when placeOrder omits userId, then it acts for the caller and instance B drops the caller\'s cached profile', async () => {
    // Arrange
    const before = await cachedOnB('35');

    // Act: no userId anywhere in the operation: the subject is the authenticated caller
    const placed = await stack.query('mutation { placeOrder(input: { items: [{ sku: "SKU-002", quantity: 1 }] }) { id } }', {}, await bearer('35'));
    const after = await profileOnB('35');

    // Assert
    const placedId = (placed.body.data as { placeOrder: { id: string } } | null)?.placeOrder.id;
    expect(placed.body.errors).toBeUndefined();
    expect(after.headers.get('age')).toBeNull();
    expect((after.body.data as Profile).user.orders[0]?.id).toBe(placedId);
    expect(before.user.orders[0]?.id).not.toBe(placedId);
  });

  it('when addReview names the user in its input, then that user\'s cached profile is dropped and others\' stay', async () => {
    // Arrange
    const before = await cachedOnB('33');
    await cachedOnB('34');

    // Act
    const review = await stack.query(
      'mutation { addReview(input: { userId: "33", productSku: "SKU-002", rating: 5, body: "Great" }) { id } }',
      {},
      await bearer('33'),
    );
    stack.clearRecordedRequests();
    const changed = await profileOnB('33');
    const untouched = await profileOnB('34');

    // Assert
    expect(review.body.errors).toBeUndefined();
    expect((changed.body.data as Profile).user.reviewStats.count).toBe(before.user.reviewStats.count + 1);
    expect(changed.headers.get('age')).toBeNull();
    expect(untouched.headers.get('age')).not.toBeNull();
  });
});
