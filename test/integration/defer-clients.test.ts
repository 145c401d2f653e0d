import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { startStack, type Stack } from '../helpers/stack';
import { profileOwner } from '../helpers/tokens';

const OPERATIONS = path.resolve(__dirname, '../../gateway/operations');
const PROFILE = gql(readFileSync(path.join(OPERATIONS, 'profile.graphql'), 'utf8'));
const PROFILE_DEFERRED = gql(readFileSync(path.join(OPERATIONS, 'profile-deferred.graphql'), 'utf8'));

interface Seen {
  dataState: string;
  data: unknown;
}

/** Apollo Client 4 as an app configures it for @defer (docs/defer.md), against the gateway. */
function client(uri: string, headers: Record<string, string>): ApolloClient {
  return new ApolloClient({ link: new HttpLink({ uri, headers }), cache: new InMemoryCache(), incrementalHandler: new Defer20220824Handler() });
}

describe('@defer with Apollo Client 4 (its Defer20220824Handler and multipart parser)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Reviews answers late, so the app sees the profile before its review stats.
    stack = await startStack({ latencyMs: { reviews: 300 }, env: { RESPONSE_CACHE_ENABLED: 'false' } });
  });
  afterAll(() => stack?.stop());

  it('when an app watches ProfileDeferred, then it renders the user first ("streaming") and ends with the same data as Profile', async () => {
    const headers = await profileOwner('21');
    const app = client(stack.gatewayUrl, headers);

    const seen: Seen[] = await new Promise((resolve, reject) => {
      const results: Seen[] = [];
      const subscription = app.watchQuery({ query: PROFILE_DEFERRED, variables: { id: '21' }, fetchPolicy: 'network-only' }).subscribe({
        next: (result) => {
          if (result.loading && result.dataState === 'empty') return;
          results.push({ dataState: result.dataState, data: result.data });
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve(results);
          }
        },
        error: reject,
      });
    });
    const whole = await client(stack.gatewayUrl, headers).query({ query: PROFILE, variables: { id: '21' }, fetchPolicy: 'no-cache' });

    const first = seen[0];
    expect(first?.dataState).toBe('streaming');
    expect(first?.data).toMatchObject({ user: { id: '21', name: expect.any(String), wishlist: { count: expect.any(Number) } } });
    expect((first?.data as { user: Record<string, unknown> }).user.reviewStats).toBeUndefined();
    expect(seen.at(-1)?.data).toEqual(whole.data);
  });
});
