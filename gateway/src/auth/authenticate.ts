import { gatewayError } from '../errors';
import type { Logger } from '../logger';
import { TokenRejected, type TokenVerifier, type VerifiedToken } from './jwt';
import { ANONYMOUS, type Principal } from './principal';
import type { RevocationList, RevocationVerdict } from './revocation';

export interface AuthenticatorOptions {
  verify: TokenVerifier;
  revocations: RevocationList;
  /** When the revocation store fails: true accepts the token (warn logged), false answers 503 AUTHENTICATION_UNAVAILABLE. */
  revocationFailOpen: boolean;
  /** Logs the store failure at most once per this many ms (an outage would otherwise log every request). @default 10000 */
  failureLogIntervalMs?: number;
}

export interface Authenticator {
  /**
   * No Authorization header → ANONYMOUS. Otherwise the token must verify and not be revoked, else
   * 401 UNAUTHENTICATED with one fixed message; the reason goes to `log` only. When revocation
   * cannot be checked (fail-closed): 503 AUTHENTICATION_UNAVAILABLE with `retry-after`, because a
   * client discards its token on a 401 and an outage must not sign everybody out.
   */
  authenticate(authorization: string | undefined, log: Logger): Promise<Principal>;
  /**
   * `authenticate` without the round trip: signature, claims and the revocations this instance
   * knows of (401 for those). The store's answer is left to the request gate (limits/limits.ts),
   * which asks it in the same round trip as the limits: put the returned token on the context.
   */
  identify(authorization: string | undefined, log: Logger): Promise<{ principal: Principal; token?: VerifiedToken }>;
  /** Signature and claims only (no revocation check): what logout needs. Throws like `authenticate`. */
  verifyBearer(authorization: string | undefined, log: Logger): Promise<VerifiedToken>;
  readonly revocations: RevocationList;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const failureLogIntervalMs = opts.failureLogIntervalMs ?? 10_000;
  let lastFailureLogMs = 0;
  const storeFailed = (err: unknown, log: Logger, principalId: string | null): void => {
    const now = Date.now();
    if (now - lastFailureLogMs < failureLogIntervalMs) return;
    lastFailureLogMs = now;
    const error = err instanceof Error ? err.message : String(err);
    if (opts.revocationFailOpen) log.warn({ error, principalId }, 'revocation check failed; tokens accepted (AUTH_REVOCATION_FAIL_OPEN)');
    else log.warn({ error }, 'revocation check failed; signed-in requests answered 503 AUTHENTICATION_UNAVAILABLE');
  };
  const verifyBearer = async (authorization: string | undefined, log: Logger): Promise<VerifiedToken> => {
    try {
      return await opts.verify(bearerToken(authorization));
    } catch (err) {
      throw unauthenticated(err, log);
    }
  };
  return {
    revocations: opts.revocations,
    verifyBearer,
    async identify(authorization, log) {
      if (authorization === undefined || authorization.trim() === '') return { principal: ANONYMOUS };
      const token = await verifyBearer(authorization, log);
      if (opts.revocations.knownRevoked(token)) throw unauthenticated(new TokenRejected('revoked'), log);
      return { principal: token.principal, token };
    },
    async authenticate(authorization, log) {
      if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
      const verified = await verifyBearer(authorization, log);
      let verdict: RevocationVerdict;
      try {
        verdict = await opts.revocations.check(verified);
      } catch (err) {
        storeFailed(err, log, verified.principal.id);
        if (!opts.revocationFailOpen) throw authenticationUnavailable();
        // Fail-open still refuses what this instance knows is revoked (its own and its peers' logouts).
        verdict = opts.revocations.knownRevoked(verified) ? 'revoked' : 'valid';
      }
      if (verdict === 'revoked') throw unauthenticated(new TokenRejected('revoked'), log);
      if (verdict === 'before-epoch') throw unauthenticated(new TokenRejected('issued-before-revocation-epoch'), log);
      return verified.principal;
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new TokenRejected('not-bearer');
  return match[1];
}

/** The store is down, not the token: retry soon (Redis reconnects within about a second of coming back). */
export function authenticationUnavailable() {
  return gatewayError('AUTHENTICATION_UNAVAILABLE', {}, { 'retry-after': '1' });
}

/** Every cause gets the same answer: telling an attacker *why* a token failed only helps them. */
export function unauthenticated(err: unknown, log: Logger) {
  const reason = err instanceof TokenRejected ? err.reason : 'key-source-failed';
  const detail = err instanceof Error ? err.message : String(err);
  if (reason === 'key-source-failed') log.warn({ reason, detail }, 'token verification failed');
  else log.info({ reason, detail }, 'token rejected');
  return gatewayError('UNAUTHENTICATED', {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
}
