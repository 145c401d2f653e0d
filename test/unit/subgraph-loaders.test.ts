import { createByKeyLoader, createUserListLoader } from '../../subgraphs/shared/loaders';

describe('createByKeyLoader', () => {
  it('when some keys are missing, then they load as null and the rest align with their keys', async () => {
    // Arrange
    const fetch = jest.fn(async (ids: readonly string[]) => ids.filter((id) => id !== 'b').reverse().map((id) => ({ id })));
    const loader = createByKeyLoader(fetch, (record) => record.id);

    // Act
    const loaded = await loader.loadMany(['a', 'b', 'c']);

    // Assert
    expect(loaded).toEqual([{ id: 'a' }, null, { id: 'c' }]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('createUserListLoader', () => {
  it('when users are loaded with the same first, then the store is asked once', async () => {
    // Arrange
    const fetch = jest.fn(async (userIds: readonly string[], first: number) =>
      new Map(userIds.map((userId) => [userId, Array.from({ length: first }, (_, n) => `${userId}.${n}`)])),
    );
    const loader = createUserListLoader(fetch);

    // Act
    const lists = await Promise.all([loader.load({ userId: '1', first: 2 }), loader.load({ userId: '2', first: 2 })]);

    // Assert
    expect(lists).toEqual([['1.0', '1.1'], ['2.0', '2.1']]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(['1', '2'], 2);
  });

  it('when users are loaded with different first values, then the store is asked once per value', async () => {
    // Arrange
    const fetch = jest.fn(async (userIds: readonly string[], first: number) =>
      new Map(userIds.map((userId) => [userId, Array.from({ length: first }, () => userId)])),
    );
    const loader = createUserListLoader(fetch);

    // Act
    const lists = await Promise.all([loader.load({ userId: '1', first: 1 }), loader.load({ userId: '1', first: 3 })]);

    // Assert
    expect(lists).toEqual([['1'], ['1', '1', '1']]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
