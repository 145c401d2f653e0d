import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { executeAs, principal } from '../helpers/as-principal';
import { startSecondGateway, type ExtraGateway } from '../helpers/second-gateway';
import { startStack, uniqueKeyPrefix, type Stack } from '../helpers/stack';

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
    await b.stop();
    await stack.stop();
  });

  /** B answers user `id`'s profile from its cache (no subgraph call) before the mutation. */
  async function cachedOnB(id: string): Promise<Profile> {
    const first = await executeAs(b.gateway, principal(id), PROFILE, { id });
    stack.clearRecordedRequests();
    const hit = await executeAs(b.gateway, principal(id), PROFILE, { id });
    expect(hit.headers.get('age')).toBeDefined();
    expect(stack.subgraphs.users?.requests).toHaveLength(0);
    return first.body.data as Profile;
  }

  it('when a wishlist mutation names the user on instance A, then instance B serves that user fresh data', async () => {
    // Arrange
    const before = await cachedOnB('31');

    // Act: anonymous HTTP mutation on A; the user comes from its userId argument
    const mutation = await stack.query('mutation Add($u: ID!, $sku: String!) { addToWishlist(userId: $u, sku: $sku, name: "Kettle") { count } }', {
      u: '31',
      sku: `SKU-${randomUUID()}`,
    });
    const after = await executeAs(b.gateway, principal('31'), PROFILE, { id: '31' });

    // Assert
    expect(mutation.body.errors).toBeUndefined();
    expect(after.headers.get('age')).toBeUndefined();
    expect((after.body.data as Profile).user.wishlist.count).toBe(before.user.wishlist.count + 1);
  });

  // The caller fallback (placeOrder without userId acts for the caller) needs identity forwarded
  // to subgraphs, which the auth work (issue 3) adds; the rule itself is unit-tested.
  it('when placeOrder names the user in a variable input, then instance B serves the new order', async () => {
    // Arrange
    const before = await cachedOnB('32');

    // Act
    const placed = await executeAs(
      stack.gateway,
      principal('32'),
      'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      { input: { userId: '32', items: [{ sku: 'SKU-001', quantity: 1 }] } },
    );
    const after = await executeAs(b.gateway, principal('32'), PROFILE, { id: '32' });

    // Assert
    expect(placed.body.errors).toBeUndefined();
    expect(after.headers.get('age')).toBeUndefined();
    expect((after.body.data as Profile).user.orders[0]?.id).toBe((placed.body.data as { placeOrder: { id: string } }).placeOrder.id);
    expect(before.user.orders[0]?.id).not.toBe((placed.body.data as { placeOrder: { id: string } }).placeOrder.id);
  });

  it('when addReview names the user in its input, then that user\'s cached profile is dropped and others\' stay', async () => {
    // Arrange
    const before = await cachedOnB('33');
    await cachedOnB('34');

    // Act
    await stack.query('mutation { addReview(input: { userId: "33", productSku: "SKU-002", rating: 5, body: "Great" }) { id } }');
    stack.clearRecordedRequests();
    const changed = await executeAs(b.gateway, principal('33'), PROFILE, { id: '33' });
    const untouched = await executeAs(b.gateway, principal('34'), PROFILE, { id: '34' });

    // Assert
    expect((changed.body.data as Profile).user.reviewStats.count).toBe(before.user.reviewStats.count + 1);
    expect(changed.headers.get('age')).toBeUndefined();
    expect(untouched.headers.get('age')).toBeDefined();
  });
});
