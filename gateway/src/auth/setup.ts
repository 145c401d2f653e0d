import type { Config } from '../config';
import type { AuthConfig } from './auth-config';
import type { Logger } from '../logger';
import type { Redis } from '../redis';
import { createKeyValueStore } from '../store/create-store';
import { createAuthenticator, type Authenticator } from './authenticate';
import { createTokenVerifier } from './jwt';
import { cacheVerifiedTokens } from './verified-tokens';

/** A cached verification is reused at most this long (docs/configuration.md: AUTH_TOKEN_CACHE_SIZE). */
const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;
import { RevocationList } from './revocation';

/**
 * The authenticator for this gateway: token verification from config, revocations in Redis when
 * there is one (every instance sees a logout), else in memory.
 */
export function setUpAuthentication(auth: AuthConfig, env: Config['env'], redis: Redis | undefined, log: Logger): Authenticator {
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
  const revocations = new RevocationList(createKeyValueStore(redis, 'revoked:'), auth.clockToleranceS * 1000);
  return createAuthenticator({ verify, revocations, revocationFailOpen: auth.revocationFailOpen });
}
