import { ConfigError, loadSubgraphConfig } from '../../subgraphs/shared/config';
import { DEV_IDENTITY_SECRET } from '../../subgraphs/shared/identity';

describe('loadSubgraphConfig', () => {
  it('when nothing is set, then every default applies', () => {
    // Act
    const config = loadSubgraphConfig({}, { port: 4002 });

    // Assert
    expect(config).toEqual({
      port: 4002,
      host: '127.0.0.1',
      latencyMs: 0,
      logLevel: 'info',
      seedUsers: 1000,
      identitySecret: DEV_IDENTITY_SECRET,
      redisUrl: undefined,
      redisKeyPrefix: 'frontdoor:',
      orderProgressionMs: 0,
      idempotencyTtlS: 86_400,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when every variable is valid, then they are parsed', () => {
    // Act
    const config = loadSubgraphConfig(
      { PORT: '5001', HOST: '0.0.0.0', SUBGRAPH_LATENCY_MS: '25', LOG_LEVEL: 'debug', SEED_USERS: '50', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'p:', ORDER_PROGRESSION_MS: '1500', IDEMPOTENCY_TTL_S: '60' },
      { port: 4001 },
    );

    // Assert
    expect(config).toEqual({
      port: 5001,
      host: '0.0.0.0',
      latencyMs: 25,
      logLevel: 'debug',
      seedUsers: 50,
      identitySecret: DEV_IDENTITY_SECRET,
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'p:',
      orderProgressionMs: 1500,
      idempotencyTtlS: 60,
    });
  });

  it('when a variable is empty, then it counts as unset', () => {
    // Act / Assert
    expect(loadSubgraphConfig({ PORT: '', SEED_USERS: ' ' }, { port: 4003 })).toMatchObject({ port: 4003, seedUsers: 1000 });
  });

  it('when several variables are invalid, then one ConfigError lists each of them', () => {
    // Arrange
    const env = { PORT: '70000', SUBGRAPH_LATENCY_MS: '-5', LOG_LEVEL: 'loud', SEED_USERS: '1.5', REDIS_URL: 'http://x', ORDER_PROGRESSION_MS: 'soon' };

    // Act
    let thrown: unknown;
    try {
      loadSubgraphConfig(env, { port: 4001 });
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(ConfigError);
    const { code, issues } = thrown as ConfigError;
    expect(code).toBe('CONFIG_INVALID');
    expect(issues.map((issue) => issue.split(':')[0])).toEqual(['PORT', 'SUBGRAPH_LATENCY_MS', 'LOG_LEVEL', 'SEED_USERS', 'REDIS_URL', 'ORDER_PROGRESSION_MS']);
  });
});

describe('loadSubgraphConfig identity secret', () => {
  it('when NODE_ENV=production keeps the development identity secret, then start-up is refused', () => {
    expect(() => loadSubgraphConfig({ NODE_ENV: 'production' }, { port: 4001 })).toThrow(/SUBGRAPH_IDENTITY_SECRET/);
  });

  it('when the identity secret is shorter than 32 characters, then it is reported', () => {
    expect(() => loadSubgraphConfig({ SUBGRAPH_IDENTITY_SECRET: 'short' }, { port: 4001 })).toThrow(/SUBGRAPH_IDENTITY_SECRET/);
  });
});
