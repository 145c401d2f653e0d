import { Redis } from 'ioredis';
import { createLogger } from '../../gateway/src/logger';
import { closeRedis, createRedis } from '../../gateway/src/redis';
import type { KeyValueStore } from '../../gateway/src/store/key-value-store';
import { MemoryKeyValueStore } from '../../gateway/src/store/memory-store';
import { RedisKeyValueStore } from '../../gateway/src/store/redis-store';
import { startStack, testRedisUrl, uniqueKeyPrefix } from '../helpers/stack';

const log = createLogger({ level: 'silent', pretty: false });
const redisConfig = (keyPrefix: string, url = testRedisUrl()) => ({ url, keyPrefix, commandTimeoutMs: 300, connectTimeoutMs: 300 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['memory', () => new MemoryKeyValueStore()],
  ['redis', () => new RedisKeyValueStore(createRedis(redisConfig(uniqueKeyPrefix()), log), 'kv:')],
] as Array<[string, () => KeyValueStore]>)('%s key-value store', (_kind, create) => {
  let store: KeyValueStore;
  beforeAll(() => {
    store = create();
  });
  afterAll(async () => {
    if (store instanceof RedisKeyValueStore) await closeRedis((store as unknown as { redis: Redis }).redis);
  });

  it('when a value is set, then it reads back until its TTL passes', async () => {
    await store.set('a', '1', 150);
    expect(await store.get('a')).toBe('1');
    expect(await store.has('a')).toBe(true);
    await sleep(250);
    expect(await store.get('a')).toBeNull();
    expect(await store.has('a')).toBe(false);
  });

  it('when setIfAbsent races on one key, then exactly one call stores it', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => store.setIfAbsent('once', String(i), 5000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when a key is deleted, then it is gone', async () => {
    await store.set('d', 'x', 5000);
    await store.delete('d');
    expect(await store.get('d')).toBeNull();
  });
});

describe('redis key isolation', () => {
  it('when two prefixes share one Redis, then neither sees the other\'s keys', async () => {
    const a = createRedis(redisConfig(uniqueKeyPrefix()), log);
    const b = createRedis(redisConfig(uniqueKeyPrefix()), log);
    try {
      await new RedisKeyValueStore(a, 'kv:').set('same', 'A', 5000);
      expect(await new RedisKeyValueStore(b, 'kv:').get('same')).toBeNull();
    } finally {
      await Promise.all([closeRedis(a), closeRedis(b)]);
    }
  });

  // The jest timeout bounds a hang (without the offline-queue setting the command would wait forever); it measures nothing.
  it('when Redis is unreachable, then a command fails instead of hanging', async () => {
    const dead = createRedis(redisConfig('t:dead:', 'redis://127.0.0.1:1'), log);
    try {
      await expect(new RedisKeyValueStore(dead, 'kv:').get('x')).rejects.toThrow();
    } finally {
      await closeRedis(dead);
    }
  }, 10_000);
});

describe('readiness with Redis', () => {
  it('when the configured Redis is unreachable, then /ready is 503 naming redis and GraphQL still serves', async () => {
    const stack = await startStack({ subgraphs: ['users'], env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CONNECT_TIMEOUT_MS: '200' } });
    try {
      const res = await fetch(stack.gatewayUrl.replace('/graphql', '/ready'));
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.redis).not.toBe('ok');
      expect((await stack.query('{ user(id: "1") { id } }')).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });

  it('when Redis answers, then /ready includes it as ok', async () => {
    const stack = await startStack({ subgraphs: ['users'], redis: true });
    try {
      const res = await fetch(stack.gatewayUrl.replace('/graphql', '/ready'));
      expect(await res.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok' } });
    } finally {
      await stack.stop();
    }
  });
});
