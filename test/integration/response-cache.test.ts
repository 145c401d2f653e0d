import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');
/** The profile's fields anonymous callers may read: still User data, so still PRIVATE (every subgraph's User hint). */
const PUBLIC_PROFILE = 'query PublicProfile($id: ID!) { user(id: $id) { id name wishlist { count } reviewStats { count averageRating } } }';

/** Every request the five subgraphs received since the last clear. */
function subgraphCalls(stack: Stack): number {
  return Object.values(stack.subgraphs).reduce((n, h) => n + (h?.requests.length ?? 0), 0);
}

describe('response cache', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: { keyPrefix: uniqueKeyPrefix() } });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.clearRecordedRequests());

  it('when a user repeats the profile query, then the second answer comes from the cache with age and private cache-control', async () => {
    // Arrange
    const alice = await profileOwner('11');
    const first = await stack.query(PROFILE, { id: '11' }, alice);
    const callsAfterFirst = subgraphCalls(stack);

    // Act: the same user with a fresh token (another jti), as a client renewing it would send
    const second = await stack.query(PROFILE, { id: '11' }, await profileOwner('11'));

    // Assert
    expect(first.body.errors).toBeUndefined();
    expect(callsAfterFirst).toBeGreaterThanOrEqual(5);
    expect(first.headers.get('cache-control')).toBe('max-age=300, private');
    expect(first.headers.get('age')).toBeNull();
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data).toEqual(first.body.data);
    expect(subgraphCalls(stack)).toBe(callsAfterFirst);
    expect(second.headers.get('cache-control')).toBe('max-age=300, private');
    // A hit says how old it is in whole seconds (RFC 9111 Age); a miss has no Age at all.
    expect(second.headers.get('age')).toMatch(/^\d+$/);
  });

  it('when another user sends the same operation and variables, then they do not get the first user\'s private entry', async () => {
    // Arrange: user 12's private entry exists (a repeat is a hit)
    const first = await stack.query(PROFILE, { id: '12' }, await profileOwner('12'));
    expect(first.body.errors).toBeUndefined();
    expect((await stack.query(PROFILE, { id: '12' }, await profileOwner('12'))).headers.get('age')).not.toBeNull();
    const before = subgraphCalls(stack);

    // Act: user 13 has the same scopes (the same access class), so only the principal tells them apart
    const other = await stack.query(PROFILE, { id: '12' }, await profileOwner('13'));

    // Assert: not served from 12's entry (the subgraphs' ownership checks then refuse 13 the private parts)
    expect(other.headers.get('age')).toBeNull();
    expect(subgraphCalls(stack)).toBeGreaterThan(before);
    expect(other.body.data).not.toEqual(first.body.data);
  });

  it('when anonymous callers send a private query, then it is neither stored for them nor served from a user\'s entry', async () => {
    // Arrange: a user's private entry for exactly this request exists
    const owner = await bearer('14');
    await stack.query(PUBLIC_PROFILE, { id: '14' }, owner);
    expect((await stack.query(PUBLIC_PROFILE, { id: '14' }, owner)).headers.get('age')).not.toBeNull();
    stack.clearRecordedRequests();

    // Act: fields anonymous callers may read, so the answer has no errors and would be storable
    const first = await stack.query(PUBLIC_PROFILE, { id: '14' });
    const callsAfterFirst = subgraphCalls(stack);
    const second = await stack.query(PUBLIC_PROFILE, { id: '14' });

    // Assert
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('age')).toBeNull();
    expect(first.headers.get('cache-control')).toBe('max-age=300, private');
    expect(callsAfterFirst).toBeGreaterThanOrEqual(3);
    expect(second.headers.get('age')).toBeNull();
    expect(subgraphCalls(stack)).toBe(2 * callsAfterFirst);
  });

  it('when a query is not cacheable (a root field without a hint), then every request reaches the subgraph', async () => {
    // Arrange
    const query = 'query Users { users(first: 2) { edges { node { id name } } } }';
    const caller = await bearer('15');
    await stack.query(query, {}, caller);
    const before = subgraphCalls(stack);

    // Act
    const again = await stack.query(query, {}, caller);

    // Assert
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(subgraphCalls(stack)).toBeGreaterThan(before);
  });
});

describe('response cache with RESPONSE_CACHE_MAX_ENTRY_BYTES', () => {
  const MAX_ENTRY_BYTES = 1024;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { RESPONSE_CACHE_MAX_ENTRY_BYTES: String(MAX_ENTRY_BYTES) } });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.clearRecordedRequests());

  it('when an answer is larger than the limit, then it is served in full but never stored', async () => {
    // Arrange
    const owner = await profileOwner('16');
    const first = await stack.query(PROFILE, { id: '16' }, owner);
    const callsAfterFirst = subgraphCalls(stack);
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeGreaterThan(MAX_ENTRY_BYTES);

    // Act
    const second = await stack.query(PROFILE, { id: '16' }, owner);

    // Assert
    expect(first.body.errors).toBeUndefined();
    expect(second.body.data).toEqual(first.body.data);
    expect(second.headers.get('age')).toBeNull();
    expect(subgraphCalls(stack)).toBe(2 * callsAfterFirst);
  });

  it('when an answer fits the limit, then the repeat is a hit', async () => {
    // Arrange
    const owner = await bearer('17');
    const first = await stack.query(PUBLIC_PROFILE, { id: '17' }, owner);
    const callsAfterFirst = subgraphCalls(stack);
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeLessThanOrEqual(MAX_ENTRY_BYTES);

    // Act
    const second = await stack.query(PUBLIC_PROFILE, { id: '17' }, owner);

    // Assert
    expect(second.headers.get('age')).toMatch(/^\d+$/);
    expect(subgraphCalls(stack)).toBe(callsAfterFirst);
  });
});
