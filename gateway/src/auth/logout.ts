import { GraphQLError } from 'graphql';
import type { GatewayRequest, GatewayResponse } from '../edge/request-types';
import { sendError } from '../http/graphql-handler';
import type { Logger } from '../logger';
import type { Authenticator } from './authenticate';

export const LOGOUT_PATH = '/auth/logout';

/**
 * `POST /auth/logout` with `Authorization: Bearer <token>`: revokes that token on every instance
 * until its own `exp`. 204 on success, also when it was already revoked (logging out twice is
 * not an error); 401 UNAUTHENTICATED for a missing or invalid token; 405 for other methods;
 * 503 AUTHENTICATION_UNAVAILABLE when the revocation cannot be stored (Redis down): the client
 * must retry, since the token still works everywhere.
 */
export async function handleLogout(req: GatewayRequest, res: GatewayResponse, auth: Authenticator, log: Logger): Promise<void> {
  req.resume(); // the body is not used; do not leave it in the socket
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendError(res, 'METHOD_NOT_ALLOWED');
  }
  let token;
  try {
    token = await auth.verifyBearer(req.headers.authorization, log);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
    return sendError(res, 'UNAUTHENTICATED');
  }
  let revokedNow: boolean;
  try {
    revokedNow = await auth.revocations.revoke(token);
  } catch (err) {
    log.warn({ principalId: token.principal.id, error: (err as Error).message }, 'logout not recorded: revocation store unavailable');
    return sendError(res, 'AUTHENTICATION_UNAVAILABLE', {}, { 'retry-after': '1' });
  }
  log.info({ principalId: token.principal.id, alreadyRevoked: !revokedNow }, 'token revoked');
  res.statusCode = 204;
  res.end();
}
