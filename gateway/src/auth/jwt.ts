import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Principal } from './principal';

export interface TokenVerifierOptions {
  /** The shared secret (HS*) or a JWKS endpoint (asymmetric); never both, so no key confusion. */
  keys:
    | { kind: 'secret'; secret: string }
    | { kind: 'jwks'; url: string; cacheMaxAgeMs: number; cooldownMs: number; timeoutMs: number };
  /** Accepted `alg` header values. `none` is refused whatever this says. */
  algorithms: readonly string[];
  /** Required `iss`. */
  issuer: string;
  /** Required `aud` (one of the token's audiences). */
  audience: string;
  /** Allowed clock skew on exp/nbf/iat, in seconds. */
  clockToleranceS: number;
  /** Longer tokens are refused before they are parsed, in bytes. */
  maxTokenBytes: number;
  /** Claim naming the client (client policies); copied to `principal.client` when it is a non-empty string. */
  clientClaim?: string;
}

/** A token that passed every check: who it names and until when it is valid. */
export interface VerifiedToken {
  principal: Principal;
  /** The token's `exp`, in ms since the epoch (revocations are kept until then). */
  expiresAtMs: number;
  /**
   * The token's `iat`, in whole seconds since the epoch; null when it has none. With Redis, a token
   * issued before the revocation store's epoch is refused (auth/redis-revocations.ts).
   */
  issuedAtS: number | null;
  /** The compact token itself (hashed for revocation when it has no `jti`). */
  token: string;
}

/** Why a token was refused: for the log only; clients always see the same UNAUTHENTICATED. */
export type RejectionReason =
  | 'too-large'
  | 'malformed'
  | 'alg-not-allowed'
  | 'no-matching-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'claim-invalid'
  | 'missing-claim'
  | 'revoked'
  | 'issued-before-revocation-epoch'
  | 'not-bearer'
  | 'key-source-failed';

export class TokenRejected extends Error {
  constructor(
    readonly reason: RejectionReason,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'TokenRejected';
  }
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/**
 * Builds the bearer-token check. `jose` does the cryptography and the registered claims; around
 * it we add what jose leaves to the caller: a size cap before any parsing, an explicit algorithm
 * allow-list checked against the header first (so `alg: none` and HS-with-a-public-key never
 * reach a key lookup), and a required `sub` and `exp`.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const algorithms = opts.algorithms.filter((a) => a.toLowerCase() !== 'none');
  const key = keySource(opts.keys);
  const verifyOptions = {
    algorithms,
    issuer: opts.issuer,
    audience: opts.audience,
    clockTolerance: opts.clockToleranceS,
    requiredClaims: ['exp', 'sub'],
  };
  return async (token) => {
    if (Buffer.byteLength(token, 'utf8') > opts.maxTokenBytes) throw new TokenRejected('too-large');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenRejected('malformed');
    }
    if (!alg || !algorithms.includes(alg)) throw new TokenRejected('alg-not-allowed', String(alg));
    try {
      const { payload } =
        key.kind === 'secret' ? await jwtVerify(token, key.secret, verifyOptions) : await jwtVerify(token, key.getKey, verifyOptions);
      const issuedAtS = typeof payload.iat === 'number' ? Math.floor(payload.iat) : null;
      return { principal: toPrincipal(payload, opts.clientClaim), expiresAtMs: (payload.exp ?? 0) * 1000, issuedAtS, token };
    } catch (err) {
      throw toRejection(err);
    }
  };
}

type KeySource = { kind: 'secret'; secret: Uint8Array } | { kind: 'jwks'; getKey: JWTVerifyGetKey };

function keySource(keys: TokenVerifierOptions['keys']): KeySource {
  if (keys.kind === 'secret') return { kind: 'secret', secret: new TextEncoder().encode(keys.secret) };
  // jose caches the key set, refetches it when it is older than cacheMaxAge, and on an unknown
  // `kid` (key rotation) refetches at most once per cooldown: a flood of tokens with made-up kids
  // cannot turn into a flood of JWKS requests.
  return {
    kind: 'jwks',
    getKey: createRemoteJWKSet(new URL(keys.url), {
      cacheMaxAge: keys.cacheMaxAgeMs,
      cooldownDuration: keys.cooldownMs,
      timeoutDuration: keys.timeoutMs,
    }),
  };
}

/** `scope` (space-separated string, OAuth 2) or `scp`/`scope` as an array (Azure AD, Okta). */
export function scopesOf(payload: JWTPayload): string[] {
  const out = new Set<string>();
  for (const claim of [payload.scope, payload.scp]) {
    const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    for (const v of values) if (typeof v === 'string' && v.trim()) out.add(v.trim());
  }
  return [...out];
}

function toPrincipal(payload: JWTPayload, clientClaim: string | undefined): Principal {
  const client = clientClaim === undefined ? undefined : payload[clientClaim];
  return Object.freeze({
    id: payload.sub ?? null,
    scopes: Object.freeze(scopesOf(payload)),
    tokenId: typeof payload.jti === 'string' && payload.jti ? payload.jti : null,
    ...(typeof client === 'string' && client !== '' ? { client } : {}),
  });
}

function toRejection(err: unknown): TokenRejected {
  if (err instanceof TokenRejected) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.JWTExpired) return new TokenRejected('expired', message);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return new TokenRejected('not-yet-valid', message);
    if (err.reason === 'missing') return new TokenRejected('missing-claim', message);
    return new TokenRejected('claim-invalid', message);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return new TokenRejected('alg-not-allowed', message);
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenRejected('bad-signature', message);
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return new TokenRejected('no-matching-key', message);
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err instanceof errors.JOSENotSupported) {
    return new TokenRejected('key-source-failed', message);
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return new TokenRejected('malformed', message);
  // A JWKS endpoint that is down or answers garbage: still a 401 for the caller, but the log says why.
  return new TokenRejected('key-source-failed', message);
}
