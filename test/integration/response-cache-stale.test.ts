import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, type Stack } from '../helpers/stack';
import { profileOwner } from '../helpers/tokens';
import { seedUser } from '../../subgraphs/shared/seed';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

describe('response cache: stale-if-error', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Fresh for 1 s, then kept 60 s more as a stale stand-in.
    stack = await startStack({ redis: true, env: { RESPONSE_CACHE_MAX_AGE_S: '1', RESPONSE_CACHE_STALE_S: '60' } });
  });
  afterAll(() => stack?.stop());

  it('when entries are past max-age, then a healthy stack answers fresh, and with a subgraph down the stale copy is served, marked', async () => {
    // Arrange: two users' profiles cached, then past their max-age
    const healthy = await stack.query(PROFILE, { id: '21' }, await profileOwner('21'));
    const cached = await stack.query(PROFILE, { id: '22' }, await profileOwner('22'));
    expect(healthy.body.errors).toBeUndefined();
    expect(cached.body.errors).toBeUndefined();
    await sleep(1100);

    // Act 1: past max-age with every subgraph up → re-fetched, not stale
    stack.clearRecordedRequests();
    const refreshed = await stack.query(PROFILE, { id: '21' }, await profileOwner('21'));

    // Assert 1
    expect(stack.subgraphs.users?.requests.length).toBe(1);
    expect(refreshed.body.extensions?.cache).toBeUndefined();
    expect(refreshed.body.errors).toBeUndefined();
    expect(refreshed.headers.get('age')).toBeNull();

    // Act 2: a subgraph of the profile is down
    await stack.stopSubgraph('wishlist');
    const stale = await stack.query(PROFILE, { id: '22' }, await profileOwner('22'));

    // Assert 2: the whole stale copy, no errors, marked stale
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data).toEqual(cached.body.data);
    expect(stale.body.extensions?.cache).toEqual({ stale: true, age: expect.any(Number) });
    expect((stale.body.extensions?.cache as { age: number }).age).toBeGreaterThanOrEqual(1);
    expect(Number(stale.headers.get('age'))).toBeGreaterThanOrEqual(1);
    expect(stale.headers.get('warning')).toBe('110 - "Response is Stale"');
    expect(stale.headers.get('cache-control')).toBe('no-store');
  });

  it('when a subgraph is down and no copy exists, then the partial result is served with SUBGRAPH_UNAVAILABLE', async () => {
    // Arrange
    await stack.stopSubgraph('wishlist');

    // Act
    const result = await stack.query(PROFILE, { id: '23' }, await profileOwner('23'));

    // Assert
    expect(result.body.extensions?.cache).toBeUndefined();
    expect(result.body.errors?.map((e) => e.extensions?.code)).toContain('SUBGRAPH_UNAVAILABLE');
    expect((result.body.data?.user as { name?: string } | undefined)?.name).toBe(seedUser('23').name);
  });
});
