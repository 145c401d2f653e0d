import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createSubgraph } from '../../subgraphs/registry';
import { DEV_IDENTITY_SECRET, signIdentity } from '../../subgraphs/shared/identity';
import { MemoryIdempotencyStore, RedisIdempotencyStore, type IdempotencyStore } from '../../subgraphs/shared/idempotency';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { graphql } from '../contract/graphql-client';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/stack';

const PLACE = 'mutation { placeOrder(input: { items: [{ sku: "SKU-002", quantity: 1 }] }) { id } }';

/** What the gateway sends: the caller's identity with the client's key, signed. */
function identityWithKey(userId: string, key: string | undefined): Record<string, string> {
  const requestId = randomUUID();
  return {
    'x-request-id': requestId,
    'x-frontdoor-identity': signIdentity({ id: userId, scopes: [], ...(key ? { idempotencyKey: key } : {}) }, requestId, DEV_IDENTITY_SECRET),
  };
}

describe.each([
  ['memory', () => ({ store: new MemoryIdempotencyStore({ inFlightMs: 200 }) as IdempotencyStore, close: () => undefined })],
  [
    'redis',
    () => {
      const redis = new Redis(testRedisUrl());
      return { store: new RedisIdempotencyStore(redis, uniqueKeyPrefix(), { inFlightMs: 200 }) as IdempotencyStore, close: () => redis.disconnect() };
    },
  ],
] as Array<[string, () => { store: IdempotencyStore; close: () => void }]>)('%s idempotency store of a subgraph', (_kind, create) => {
  let made: { store: IdempotencyStore; close: () => void };
  beforeAll(() => {
    made = create();
  });
  afterAll(() => made.close());

  it('when a record is started, then a repeat is in progress until it completes, and then gets the result', async () => {
    const started = await made.store.begin('r1', 'fp');
    expect(started.kind).toBe('started');
    expect(await made.store.begin('r1', 'fp')).toEqual({ kind: 'in-progress' });
    await made.store.complete('r1', 'fp', { id: 'o-1' });
    expect(await made.store.begin('r1', 'fp')).toEqual({ kind: 'done', result: { id: 'o-1' } });
  });

  it('when the arguments differ, then the record is a mismatch', async () => {
    await made.store.begin('r2', 'fp-a');
    expect(await made.store.begin('r2', 'fp-b')).toEqual({ kind: 'mismatch' });
  });

  it('when the starter abandons its record, then the key is free; another token cannot drop it', async () => {
    const first = await made.store.begin('r3', 'fp');
    if (first.kind !== 'started') throw new Error('not started');
    const second = await made.store.abandon('r3', 'someone-else').then(() => made.store.begin('r3', 'fp'));
    expect(second.kind).toBe('in-progress');
    await made.store.abandon('r3', first.token);
    expect((await made.store.begin('r3', 'fp')).kind).toBe('started');
  });

  it('when an unfinished record outlives its in-flight time (a crashed process), then the key can start again', async () => {
    await made.store.begin('r4', 'fp');
    await new Promise((r) => setTimeout(r, 300));
    expect((await made.store.begin('r4', 'fp')).kind).toBe('started');
  });
});

describe('placeOrder with a signed Idempotency-Key, two replicas of orders sharing Redis', () => {
  let redis: Redis;
  let replicas: SubgraphHandle[];
  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    const prefix = uniqueKeyPrefix();
    replicas = await Promise.all(
      [1, 2].map(() => startSubgraph(createSubgraph('orders', { idempotency: new RedisIdempotencyStore(redis, prefix) }), { logLevel: 'silent' })),
    );
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    redis.disconnect();
  });

  it('when the same caller repeats the key on the other replica, then it gets the first order back and nothing new is placed there', async () => {
    const [a, b] = replicas as [SubgraphHandle, SubgraphHandle];
    const first = await graphql<{ placeOrder: { id: string } }>(a.url, PLACE, { headers: identityWithKey('51', 'k-51') });
    const repeat = await graphql<{ placeOrder: { id: string } }>(b.url, PLACE, { headers: identityWithKey('51', 'k-51') });
    const fresh = await graphql<{ placeOrder: { id: string } }>(b.url, PLACE, { headers: identityWithKey('51', undefined) });

    expect(first.errors).toBeUndefined();
    expect(repeat.data?.placeOrder.id).toBe(first.data?.placeOrder.id);
    // Replica b placed nothing for the repeat: its own first order for user 51 gets the same number.
    expect(fresh.data?.placeOrder.id).toBe(first.data?.placeOrder.id);
  });

  it('when another caller uses the same key, then it is a different record', async () => {
    const [a] = replicas as [SubgraphHandle];
    const mine = await graphql<{ placeOrder: { id: string } }>(a.url, PLACE, { headers: identityWithKey('52', 'k-shared') });
    const theirs = await graphql<{ placeOrder: { id: string } }>(a.url, PLACE, { headers: identityWithKey('53', 'k-shared') });
    expect(mine.data?.placeOrder.id).toMatch(/^o-52-/);
    expect(theirs.data?.placeOrder.id).toMatch(/^o-53-/);
  });

  it('when the key is reused with other arguments, then IDEMPOTENCY_KEY_REUSED', async () => {
    const [a] = replicas as [SubgraphHandle];
    await graphql(a.url, PLACE, { headers: identityWithKey('54', 'k-54') });
    const other = await graphql(a.url, PLACE.replace('quantity: 1', 'quantity: 3'), { headers: identityWithKey('54', 'k-54') });
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });
});
