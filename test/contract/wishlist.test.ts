import { createSubgraph } from '../../subgraphs/registry';
import { seedWishlistForUser } from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { graphql, resolveEntities } from './graphql-client';

const ADD = `mutation Add($userId: ID!, $sku: String!, $name: String!) {
  addToWishlist(userId: $userId, sku: $sku, name: $name) { count items(first: 1) { id sku name } }
}`;
const REMOVE = `mutation Remove($userId: ID!, $itemId: ID!) {
  removeFromWishlist(userId: $userId, itemId: $itemId) { count }
}`;

interface Wishlist {
  count: number;
  items: Array<{ id: string; sku: string; name: string }>;
}

/** A user whose seeded wishlist lacks SKU-024, so adding it is a real change. */
function userWithout(sku: string, from: number): string {
  for (let id = from; ; id++) {
    if (!seedWishlistForUser(String(id)).some((item) => item.sku === sku)) return String(id);
  }
}

describe('wishlist subgraph', () => {
  let handle: SubgraphHandle;

  beforeAll(async () => {
    handle = await startSubgraph(createSubgraph('wishlist'), { logLevel: 'silent' });
  });
  afterAll(() => handle.stop());

  const countOf = async (userId: string): Promise<number | undefined> => {
    const { data } = await resolveEntities<{ wishlist: Wishlist }>(handle.url, 'User', [userId], 'wishlist { count }');
    return data?._entities[0]?.wishlist.count;
  };

  it('when a new sku is added, then the count grows by one and the item is listed first', async () => {
    // Arrange
    const userId = userWithout('SKU-024', 1);
    const before = seedWishlistForUser(userId).length;

    // Act
    const { data, errors } = await graphql<{ addToWishlist: Wishlist }>(handle.url, ADD, {
      variables: { userId, sku: 'SKU-024', name: 'Stand Mixer' },
    });

    // Assert
    expect(errors).toBeUndefined();
    expect(data?.addToWishlist).toEqual({
      count: before + 1,
      items: [{ id: `w-${userId}-${before + 1}`, sku: 'SKU-024', name: 'Stand Mixer' }],
    });
    expect(await countOf(userId)).toBe(before + 1);
  });

  it('when a sku already on the wishlist is added again, then the count is unchanged', async () => {
    // Arrange
    const userId = userWithout('SKU-024', 100);
    await graphql(handle.url, ADD, { variables: { userId, sku: 'SKU-024', name: 'Stand Mixer' } });
    const before = await countOf(userId);

    // Act
    const { data } = await graphql<{ addToWishlist: Wishlist }>(handle.url, ADD, {
      variables: { userId, sku: 'SKU-024', name: 'Stand Mixer' },
    });

    // Assert
    expect(data?.addToWishlist.count).toBe(before);
  });

  it('when an item is removed, then the count shrinks by one', async () => {
    // Arrange
    const userId = userWithout('SKU-024', 200);
    const added = await graphql<{ addToWishlist: Wishlist }>(handle.url, ADD, {
      variables: { userId, sku: 'SKU-024', name: 'Stand Mixer' },
    });
    const itemId = added.data?.addToWishlist.items[0]?.id;
    const before = added.data?.addToWishlist.count ?? 0;

    // Act
    const { data, errors } = await graphql<{ removeFromWishlist: { count: number } }>(handle.url, REMOVE, {
      variables: { userId, itemId },
    });

    // Assert
    expect(errors).toBeUndefined();
    expect(data?.removeFromWishlist.count).toBe(before - 1);
    expect(await countOf(userId)).toBe(before - 1);
  });

  it('when one request adds then removes, then each mutation sees the count after it', async () => {
    // Arrange
    const userId = userWithout('SKU-024', 300);
    const before = seedWishlistForUser(userId).length;
    const nextItemId = `w-${userId}-${before + 1}`;

    // Act
    const { data } = await graphql<{ add: { count: number }; remove: { count: number } }>(
      handle.url,
      `mutation {
        add: addToWishlist(userId: "${userId}", sku: "SKU-024", name: "Stand Mixer") { count }
        remove: removeFromWishlist(userId: "${userId}", itemId: "${nextItemId}") { count }
      }`,
    );

    // Assert
    expect(data).toEqual({ add: { count: before + 1 }, remove: { count: before } });
  });

  it('when the item is not on the wishlist, then removeFromWishlist fails with NOT_FOUND', async () => {
    // Act
    const { errors } = await graphql(handle.url, REMOVE, { variables: { userId: '1', itemId: 'w-2-1' } });

    // Assert
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('when the sku is empty, then addToWishlist fails with BAD_USER_INPUT', async () => {
    // Act
    const { errors } = await graphql(handle.url, ADD, { variables: { userId: '1', sku: ' ', name: 'x' } });

    // Assert
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
