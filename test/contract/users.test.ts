import { createSubgraph } from '../../subgraphs/registry';
import { seedUser } from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { identityHeaders } from '../helpers/tokens';
import { graphql } from './graphql-client';

const USERS_PAGE = `query Users($first: Int, $after: String) {
  users(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } }
}`;

interface UsersPage {
  users: {
    edges: Array<{ cursor: string; node: { id: string; name: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('users subgraph', () => {
  let handle: SubgraphHandle;
  let small: SubgraphHandle;

  beforeAll(async () => {
    handle = await startSubgraph(createSubgraph('users'), { logLevel: 'silent' });
    small = await startSubgraph(createSubgraph('users', { seedUsers: 5 }), { logLevel: 'silent' });
  });
  afterAll(() => Promise.all([handle.stop(), small.stop()]));

  it('when paging with endCursor as after, then the next page continues in id order', async () => {
    // Arrange
    const first = await graphql<UsersPage>(handle.url, USERS_PAGE, { variables: { first: 2 } });

    // Act
    const second = await graphql<UsersPage>(handle.url, USERS_PAGE, {
      variables: { first: 2, after: first.data?.users.pageInfo.endCursor },
    });

    // Assert
    expect(first.data?.users.edges.map((edge) => edge.node.id)).toEqual(['1', '2']);
    expect(second.data?.users.edges.map((edge) => edge.node)).toEqual([
      { id: '3', name: seedUser('3').name },
      { id: '4', name: seedUser('4').name },
    ]);
    expect(second.data?.users.pageInfo).toEqual({ hasNextPage: true, endCursor: second.data?.users.edges[1]?.cursor });
  });

  it('when the page reaches the last user, then hasNextPage is false', async () => {
    // Act
    const { data } = await graphql<UsersPage>(small.url, USERS_PAGE, { variables: { first: 10 } });

    // Assert
    expect(data?.users.edges).toHaveLength(5);
    expect(data?.users.pageInfo).toEqual({ hasNextPage: false, endCursor: data?.users.edges[4]?.cursor });
  });

  it('when first is over 100, then the page is capped at 100 users', async () => {
    // Act
    const { data, errors } = await graphql<UsersPage>(handle.url, USERS_PAGE, { variables: { first: 500 } });

    // Assert
    expect(errors).toBeUndefined();
    expect(data?.users.edges).toHaveLength(100);
  });

  it.each([
    ['after is not a cursor', { first: 2, after: 'not-a-cursor' }],
    ['after names no user', { first: 2, after: Buffer.from('user:nobody').toString('base64url') }],
    ['first is negative', { first: -1 }],
  ])('when %s, then the error is BAD_USER_INPUT', async (_situation, variables) => {
    // Act
    const { errors } = await graphql(handle.url, USERS_PAGE, { variables });

    // Assert
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('when the gateway says the caller is user 7, then me is that user', async () => {
    // Act
    const { data } = await graphql(handle.url, '{ me { id email } }', { headers: identityHeaders('7') });

    // Assert
    expect(data).toEqual({ me: { id: '7', email: seedUser('7').email } });
  });

  it('when the caller is anonymous, then me is null', async () => {
    // Act
    const { data, errors } = await graphql(handle.url, '{ me { id } }', { identity: 'anonymous' });

    // Assert
    expect(errors).toBeUndefined();
    expect(data).toEqual({ me: null });
  });

  it('when user(id) names no user, then it is null without an error', async () => {
    // Act
    const { data, errors } = await graphql(handle.url, '{ user(id: "123456") { id } }');

    // Assert
    expect(errors).toBeUndefined();
    expect(data).toEqual({ user: null });
  });
});
