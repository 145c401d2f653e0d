import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSecondGateway, type ExtraGateway } from '../helpers/second-gateway';
import { startStack, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { profileOwner } from '../helpers/tokens';
import { seedUser } from '../../subgraphs/shared/seed';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

describe('query-plan cache shared through Redis', () => {
  let stack: Stack;
  let b: ExtraGateway;

  beforeAll(async () => {
    const keyPrefix = uniqueKeyPrefix();
    stack = await startStack({ redis: { keyPrefix }, env: { RESPONSE_CACHE_ENABLED: 'false' } });
    b = await startSecondGateway(stack, keyPrefix, { RESPONSE_CACHE_ENABLED: 'false' });
  });
  afterAll(async () => {
    await b?.stop();
    await stack?.stop();
  });

  /** The plan is written to Redis without holding up the request that built it. */
  async function sharedPlanKeys(): Promise<string[]> {
    const redis = stack.gateway.redis;
    if (!redis) throw new Error('expected Redis');
    const pattern = `${redis.options.keyPrefix ?? ''}plan:*`;
    for (let i = 0; i < 50; i += 1) {
      const keys = await redis.keys(pattern);
      if (keys.length > 0) return keys;
      await sleep(20);
    }
    return [];
  }

  it('when instance A planned an operation, then instance B executes A\'s plan from Redis without planning', async () => {
    // Arrange: A plans and executes the profile for its owner (every field authorized, so every subgraph is in the plan)
    const owner = await profileOwner('8');
    const onA = await stack.query(PROFILE, { id: '8' }, owner);
    expect(stack.gateway.planCacheStats().misses).toBe(1);
    const keys = await sharedPlanKeys();

    // Act: B has never seen the operation
    const onB = await b.post({ query: PROFILE, variables: { id: '8' } }, owner);
    const againOnB = await b.post({ query: PROFILE, variables: { id: '8' } }, owner);

    // Assert: B planned nothing, took A's plan once, then kept it in memory; the revived plan works
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain(':plan:');
    expect(b.gateway.planCacheStats()).toEqual({ localHits: 1, sharedHits: 1, misses: 0, sharedFailures: 0 });
    expect(onA.body.errors).toBeUndefined();
    expect(onB.body.errors).toBeUndefined();
    expect(onB.body.data).toEqual(onA.body.data);
    expect(againOnB.body.data).toEqual(onA.body.data);
  });

  it('when a shared entry is not a plan, then the instance plans the operation itself and answers correctly', async () => {
    // Arrange: corrupt every shared plan, then ask B a new operation whose key we can only know after A stored it
    const query = 'query Names($id: ID!) { user(id: $id) { id name } }';
    await stack.query(query, { id: '9' });
    const redis = stack.gateway.redis;
    if (!redis) throw new Error('expected Redis');
    const prefix = redis.options.keyPrefix ?? '';
    let keys: string[] = [];
    for (let i = 0; i < 50 && keys.length < 2; i += 1) {
      keys = await redis.keys(`${prefix}plan:*`);
      if (keys.length < 2) await sleep(20);
    }
    for (const key of keys) await redis.set(key.slice(prefix.length), '{"kind":"NotAPlan"}');
    const before = b.gateway.planCacheStats();

    // Act
    const result = await b.post({ query, variables: { id: '9' } });

    // Assert
    expect(result.body.data).toEqual({ user: { id: '9', name: seedUser('9').name } });
    const after = b.gateway.planCacheStats();
    expect(after.misses).toBe(before.misses + 1);
    expect(after.sharedFailures).toBe(before.sharedFailures + 1);
  });
});
