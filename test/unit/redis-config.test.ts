import { loadConfig } from '../../gateway/src/config';
import { redisConfigFromEnv } from '../../gateway/src/store/redis-config';
import { problemsOf } from '../helpers/config-problems';

describe('loadConfig: Redis topologies', () => {
  it('when nothing is set, then there is no Redis (in-memory stores)', () => {
    expect(loadConfig({}).redis).toBe(false);
  });

  it('when REDIS_URL is set, then it is one server', () => {
    const redis = loadConfig({ REDIS_URL: 'redis://10.0.0.1:6379' }).redis;
    expect(redis && redis.topology).toEqual({ kind: 'single', url: 'redis://10.0.0.1:6379' });
  });

  it('when REDIS_CLUSTER_NODES lists host:port pairs, then it is a cluster of those seed nodes (IPv6 in brackets)', () => {
    const redis = loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:6379, redis-1:6380,[::1]:7000', REDIS_PASSWORD: 'pw-for-nodes' }).redis;
    expect(redis && redis.topology).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'redis-0', port: 6379 }, { host: 'redis-1', port: 6380 }, { host: '::1', port: 7000 }],
    });
    expect(redis && redis.password).toBe('pw-for-nodes');
  });

  it('when REDIS_SENTINELS and REDIS_SENTINEL_NAME are set, then it is Sentinel', () => {
    const redis = loadConfig({ REDIS_SENTINELS: 's0:26379,s1:26379', REDIS_SENTINEL_NAME: 'mymaster' }).redis;
    expect(redis && redis.topology).toEqual({ kind: 'sentinel', name: 'mymaster', sentinels: [{ host: 's0', port: 26379 }, { host: 's1', port: 26379 }] });
  });

  it('when two topologies, a Sentinel without a name, a bad node or a braced key prefix are given, then start-up is refused naming each', () => {
    expect(problemsOf({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' })[0]).toMatch(/^REDIS_URL, REDIS_CLUSTER_NODES: set one of them/);
    expect(problemsOf({ REDIS_SENTINELS: 's:26379' })[0]).toMatch(/^REDIS_SENTINEL_NAME: needed/);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis-0' })[0]).toMatch(/^REDIS_CLUSTER_NODES: "redis-0" is not host:port/);
    expect(problemsOf({ REDIS_URL: 'redis://a:1', REDIS_KEY_PREFIX: 'app:{x}:' })[0]).toMatch(/^REDIS_KEY_PREFIX: must not contain/);
  });

  it('when a feature needs Redis, then any topology counts', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', SUPERGRAPH_SOURCE: 'redis' }).supergraph.source).toBe('redis');
  });

  it('when scripts read the same variables, then they get the same config, or one error listing the problems', () => {
    expect(redisConfigFromEnv({ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', PATH: '/usr/bin' })).toMatchObject({ topology: { kind: 'sentinel', name: 'm' } });
    expect(redisConfigFromEnv({ REDIS_URL: '' })).toBe(false);
    expect(() => redisConfigFromEnv({ REDIS_SENTINELS: 's:1' })).toThrow(/REDIS_SENTINEL_NAME/);
  });
});
