import { readFileSync } from 'node:fs';
import path from 'node:path';
import { executeAs, principal } from '../helpers/as-principal';
import { startStack, uniqueKeyPrefix, type Stack } from '../helpers/stack';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');

/** Every request the five subgraphs received since the last clear. */
function subgraphCalls(stack: Stack): number {
  return Object.values(stack.subgraphs).reduce((n, h) => n + (h?.requests.length ?? 0), 0);
}

describe('response cache', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: { keyPrefix: uniqueKeyPrefix() } });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.clearRecordedRequests());

  it('when a user repeats the profile query, then the second answer comes from the cache with age and private cache-control', async () => {
    // Arrange
    const alice = principal('11');
    const first = await executeAs(stack.gateway, alice, PROFILE, { id: '11' });
    const callsAfterFirst = subgraphCalls(stack);

    // Act
    const second = await executeAs(stack.gateway, alice, PROFILE, { id: '11' });

    // Assert
    expect(first.body.errors).toBeUndefined();
    expect(callsAfterFirst).toBeGreaterThanOrEqual(5);
    expect(first.headers.get('cache-control')).toBe('max-age=300, private');
    expect(first.headers.get('age')).toBeUndefined();
    expect(second.body.data).toEqual(first.body.data);
    expect(subgraphCalls(stack)).toBe(callsAfterFirst);
    expect(second.headers.get('cache-control')).toBe('max-age=300, private');
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
  });

  it('when another user sends the same operation and variables, then they do not get the first user\'s private entry', async () => {
    // Arrange
    await executeAs(stack.gateway, principal('12'), PROFILE, { id: '12' });
    const before = subgraphCalls(stack);

    // Act
    const other = await executeAs(stack.gateway, principal('13'), PROFILE, { id: '12' });

    // Assert
    expect(other.headers.get('age')).toBeUndefined();
    expect(subgraphCalls(stack)).toBeGreaterThan(before);
  });

  it('when anonymous callers send a private query, then it is neither stored for them nor served from a user\'s entry', async () => {
    // Arrange: a user's private entry for exactly this request exists
    await executeAs(stack.gateway, principal('14'), PROFILE, { id: '14' });
    stack.clearRecordedRequests();

    // Act
    const first = await stack.query(PROFILE, { id: '14' });
    const callsAfterFirst = subgraphCalls(stack);
    const second = await stack.query(PROFILE, { id: '14' });

    // Assert
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('age')).toBeNull();
    expect(callsAfterFirst).toBeGreaterThanOrEqual(5);
    expect(second.headers.get('age')).toBeNull();
    expect(subgraphCalls(stack)).toBe(2 * callsAfterFirst);
  });

  it('when a query is not cacheable (a root field without a hint), then every request reaches the subgraph', async () => {
    // Arrange
    const query = 'query Users { users(first: 2) { edges { node { id name } } } }';
    await executeAs(stack.gateway, principal('15'), query);
    const before = subgraphCalls(stack);

    // Act
    const again = await executeAs(stack.gateway, principal('15'), query);

    // Assert
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(subgraphCalls(stack)).toBeGreaterThan(before);
  });
});
