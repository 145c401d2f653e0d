import { gatewayError } from '../errors';
import type { Logger } from '../logger';
import { TokenRejected, type TokenVerifier, type VerifiedToken } from './jwt';
import { ANONYMOUS, type Principal } from './principal';
import type { RevocationList } from './revocation';

export interface AuthenticatorOptions {
  verify: TokenVerifier;
  revocations: RevocationList;
  /** When the revocation store fails: true accepts the token (warn logged), false refuses it. */
  revocationFailOpen: boolean;
}

export interface Authenticator {
  /**
   * No Authorization header → ANONYMOUS. Otherwise the token must verify and not be revoked, else
   * 401 UNAUTHENTICATED with one fixed message; the reason goes to `log` only.
   */
  authenticate(authorization: string | undefined, log: Logger): Promise<Principal>;
  /** Signature and claims only (no revocation check): what logout needs. Throws like `authenticate`. */
  verifyBearer(authorization: string | undefined, log: Logger): Promise<VerifiedToken>;
  readonly revocations: RevocationList;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
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
    async authenticate(authorization, log) {
      if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
      const verified = await verifyBearer(authorization, log);
      let revoked: boolean;
      try {
        revoked = await opts.revocations.isRevoked(verified);
      } catch (err) {
        if (!opts.revocationFailOpen) throw unauthenticated(new TokenRejected('revocation-check-failed', String(err)), log);
        log.warn({ err, principalId: verified.principal.id }, 'revocation check failed; token accepted (AUTH_REVOCATION_FAIL_OPEN)');
        revoked = false;
      }
      if (revoked) throw unauthenticated(new TokenRejected('revoked'), log);
      return verified.principal;
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new TokenRejected('not-bearer');
  return match[1];
}

/** Every cause gets the same answer: telling an attacker *why* a token failed only helps them. */
function unauthenticated(err: unknown, log: Logger) {
  const reason = err instanceof TokenRejected ? err.reason : 'key-source-failed';
  const detail = err instanceof Error ? err.message : String(err);
  if (reason === 'key-source-failed' || reason === 'revocation-check-failed') log.warn({ reason, detail }, 'token verification failed');
  else log.info({ reason, detail }, 'token rejected');
  return gatewayError('UNAUTHENTICATED', {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
}
