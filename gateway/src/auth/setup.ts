import type { Config } from '../config';
import type { AuthConfig } from './auth-config';
import type { Logger } from '../logger';
import type { RedisClient } from '../redis';
import type { RedisConfig } from '../store/redis-config';
import { createAuthenticator, type Authenticator } from './authenticate';
import { createTokenVerifier } from './jwt';
import { RedisRevocationList } from './redis-revocations';
import { MemoryRevocationList, type RevocationList } from './revocation';
import { cacheVerifiedTokens } from './verified-tokens';

/** A cached verification is reused at most this long (docs/configuration.md: AUTH_TOKEN_CACHE_SIZE). */
const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;

/** The shared Redis client with its configuration, when there is one. */
export interface SharedRedis {
  client: RedisClient;
  config: RedisConfig;
}

/**
 * The authenticator for this gateway: token verification from config, revocations in Redis when
 * there is one (every instance sees a logout), else in memory.
 */
export function setUpAuthentication(auth: AuthConfig, env: Config['env'], redis: SharedRedis | undefined, log: Logger): Authenticator {
  if (auth.keys.kind === 'secret' && auth.keys.isDevSecret && env === 'production') {
    // Loud on purpose: anyone who has read docs/security.md can mint tokens for this gateway.
    log.warn(
      { variable: 'AUTH_JWT_SECRET' },
      '!!! NODE_ENV=production with the PUBLIC development JWT secret: anyone can sign tokens for this gateway. Set AUTH_JWT_SECRET or AUTH_JWKS_URL !!!',
    );
  }
  const verify = cacheVerifiedTokens(createTokenVerifier({
    keys: auth.keys,
    algorithms: auth.algorithms,
    issuer: auth.issuer,
    audience: auth.audience,
    clockToleranceS: auth.clockToleranceS,
    maxTokenBytes: auth.maxTokenBytes,
    ...(auth.clientClaim !== undefined ? { clientClaim: auth.clientClaim } : {}),
  }), { maxEntries: auth.verifiedTokenCacheSize, maxAgeMs: VERIFIED_TOKEN_MAX_AGE_MS, clockToleranceMs: auth.clockToleranceS * 1000 });
  return createAuthenticator({ verify, revocations: createRevocationList(auth, redis, log), revocationFailOpen: auth.revocationFailOpen });
}

function createRevocationList(auth: AuthConfig, redis: SharedRedis | undefined, log: Logger): RevocationList {
  const clockToleranceMs = auth.clockToleranceS * 1000;
  if (!redis) return new MemoryRevocationList(clockToleranceMs);
  return new RedisRevocationList({
    redis: redis.client,
    keyPrefix: redis.config.keyPrefix,
    clockToleranceMs,
    // A single server may have no replica to wait for; Sentinel and Cluster exist to fail over to one.
    replicas: auth.revocationReplicas ?? (redis.config.topology.kind === 'single' ? 0 : 1),
    waitMs: Math.max(1, redis.config.commandTimeoutMs - 50),
    log,
  });
}
