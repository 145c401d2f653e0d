import { z } from 'zod';
import { bool, csvList, int } from '../env-values';
import type { TokenVerifierOptions } from './jwt';

/**
 * Development secrets: public on purpose (docs, `npm run token`), so `npm start` works with no
 * setup. The gateway warns loudly when DEV_JWT_SECRET is used with NODE_ENV=production and refuses
 * DEV_IDENTITY_SECRET there. subgraphs/shared/identity.ts holds the same identity default (a unit
 * test keeps the two equal).
 */
export const DEV_JWT_SECRET = 'frontdoor-development-jwt-secret-not-for-production';
export const DEV_IDENTITY_SECRET = 'frontdoor-development-identity-secret-not-for-production';
const SYMMETRIC_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS: readonly string[] = ['RS256', 'ES256', 'EdDSA'];
const ALL_ASYMMETRIC: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Authentication, revocation, authorization and identity forwarding, merged into config.ts's one schema. docs/configuration.md documents each. */
export const AUTH_ENV = {
  /** HS256 shared secret for bearer tokens (at least 32 characters); ignored when AUTH_JWKS_URL is set. @default DEV_JWT_SECRET (warns loudly in production) */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  /** JWKS endpoint for asymmetric tokens (RS256/ES256/EdDSA); when set, the shared secret is not used. @default unset */
  AUTH_JWKS_URL: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
  /** Accepted `alg` values (comma-separated). `none` is never accepted. @default HS256 (secret) or RS256,ES256,EdDSA (JWKS) */
  AUTH_ALGORITHMS: csvList.optional(),
  /** Required `iss` claim. @default frontdoor-dev */
  AUTH_ISSUER: z.string().min(1).default('frontdoor-dev'),
  /** Required `aud` claim (the token's audience must include it). @default frontdoor */
  AUTH_AUDIENCE: z.string().min(1).default('frontdoor'),
  /** Clock skew allowed on exp/nbf/iat, in seconds. @default 30 */
  AUTH_CLOCK_TOLERANCE_S: int(0, 300).default(30),
  /** Largest accepted bearer token, in bytes; larger → 401 before any parsing. @default 8192 */
  AUTH_MAX_TOKEN_BYTES: int(64, 65_536).default(8192),
  /** How long fetched JWKS keys are trusted before a refetch, in milliseconds. @default 600000 (10 min) */
  AUTH_JWKS_CACHE_MS: int(1000, 86_400_000).default(600_000),
  /** Least time between two JWKS fetches caused by unknown `kid`s, in milliseconds (bounds key-rotation refetches). @default 30000 */
  AUTH_JWKS_COOLDOWN_MS: int(0, 3_600_000).default(30_000),
  /** Longest wait for the JWKS endpoint, in milliseconds. @default 5000 */
  AUTH_JWKS_TIMEOUT_MS: int(100, 60_000).default(5000),
  /** Verified bearer tokens remembered per instance (each reused for at most 60 s and never past its exp; revocation is still checked per request); 0 = verify every request. @default 10000 */
  AUTH_TOKEN_CACHE_SIZE: int(0, 1_000_000).default(10_000),
  /** When the revocation store (Redis) fails: true accepts the token (warn logged), false answers 401. @default false */
  AUTH_REVOCATION_FAIL_OPEN: bool.default(false),
  /** `@authenticated` / `@requiresScopes` enforcement: `filter` removes unauthorized fields (null + UNAUTHORIZED_FIELD_OR_TYPE), `reject` refuses the operation (401/403). @default filter */
  AUTHZ_MODE: z.enum(['filter', 'reject']).default('filter'),
  /** HMAC secret shared with the subgraphs for the signed identity header (at least 32 characters). @default DEV_IDENTITY_SECRET (refused in production) */
  SUBGRAPH_IDENTITY_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_IDENTITY_SECRET),
};

const AuthEnvSchema = z.object(AUTH_ENV);
type AuthEnv = z.output<typeof AuthEnvSchema>;

/** The token checks (auth/jwt.ts declares them) plus what the rest of authentication needs. */
export interface AuthConfig extends Omit<TokenVerifierOptions, 'keys'> {
  /** Where verification keys come from: the shared secret (HS*) or a JWKS URL (asymmetric). */
  keys:
    | (Extract<TokenVerifierOptions['keys'], { kind: 'secret' }> & { isDevSecret: boolean })
    | Extract<TokenVerifierOptions['keys'], { kind: 'jwks' }>;
  revocationFailOpen: boolean;
  /** Verified tokens remembered (auth/verified-tokens.ts); 0 = off. */
  verifiedTokenCacheSize: number;
  authorizationMode: 'filter' | 'reject';
  /** HMAC key of the identity header sent to subgraphs. Never logged. */
  identitySecret: string;
}

/** `clientClaim`: the token claim naming the calling application (clients/client-config.ts owns it). */
export function toAuthConfig(e: AuthEnv, clientClaim: string, production: boolean, problems: string[]): AuthConfig {
  checkAuth(e, production, problems);
  return {
    keys: e.AUTH_JWKS_URL
      ? { kind: 'jwks', url: e.AUTH_JWKS_URL, cacheMaxAgeMs: e.AUTH_JWKS_CACHE_MS, cooldownMs: e.AUTH_JWKS_COOLDOWN_MS, timeoutMs: e.AUTH_JWKS_TIMEOUT_MS }
      : { kind: 'secret', secret: e.AUTH_JWT_SECRET, isDevSecret: e.AUTH_JWT_SECRET === DEV_JWT_SECRET },
    algorithms: e.AUTH_ALGORITHMS ?? (e.AUTH_JWKS_URL ? [...ASYMMETRIC_ALGORITHMS] : ['HS256']),
    issuer: e.AUTH_ISSUER,
    audience: e.AUTH_AUDIENCE,
    clockToleranceS: e.AUTH_CLOCK_TOLERANCE_S,
    maxTokenBytes: e.AUTH_MAX_TOKEN_BYTES,
    revocationFailOpen: e.AUTH_REVOCATION_FAIL_OPEN,
    verifiedTokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
    authorizationMode: e.AUTHZ_MODE,
    identitySecret: e.SUBGRAPH_IDENTITY_SECRET,
    clientClaim,
  };
}

/** Symmetric algorithms go with the shared secret only, asymmetric ones with JWKS only: no key confusion. */
function checkAuth(e: AuthEnv, production: boolean, problems: string[]): void {
  const algorithms = e.AUTH_ALGORITHMS ?? [];
  const allowed = e.AUTH_JWKS_URL ? ALL_ASYMMETRIC : SYMMETRIC_ALGORITHMS;
  const wrong = algorithms.filter((a) => !allowed.includes(a));
  if (wrong.length > 0) {
    problems.push(`AUTH_ALGORITHMS: ${wrong.join(', ')} not allowed with ${e.AUTH_JWKS_URL ? 'AUTH_JWKS_URL' : 'AUTH_JWT_SECRET'} (allowed: ${allowed.join(', ')})`);
  }
  if (e.AUTH_ALGORITHMS && algorithms.length === 0) problems.push('AUTH_ALGORITHMS: must name at least one algorithm');
  if (production && e.SUBGRAPH_IDENTITY_SECRET === DEV_IDENTITY_SECRET) {
    problems.push('SUBGRAPH_IDENTITY_SECRET: must be set in production (the development default is public, so anyone could forge identities)');
  }
}
