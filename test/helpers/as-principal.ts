import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HeaderMap } from '@apollo/server';
import type { Principal } from '../../gateway/src/auth/principal';
import { buildContext } from '../../gateway/src/context';
import { createLogger } from '../../gateway/src/logger';
import type { GatewayHandle } from '../../gateway/src/server';

export interface PrincipalResult {
  headers: HeaderMap;
  status: number | undefined;
  body: { data?: Record<string, unknown> | null; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
}

/**
 * Runs an operation through the real gateway's Apollo Server (every plugin, the real plan, real
 * subgraph calls) with a context whose principal the test constructs. This branch has no way to
 * authenticate over HTTP yet (JWTs are issue 3): until then this is how a test calls as a user,
 * and nothing in the HTTP path trusts a client-supplied identity.
 */
export function principal(id: string, scopes: readonly string[] = []): Principal {
  return { id, scopes, tokenId: null };
}

export async function executeAs(
  gateway: GatewayHandle,
  caller: Principal,
  query: string,
  variables?: Record<string, unknown>,
): Promise<PrincipalResult> {
  const contextValue = buildContext({
    requestId: randomUUID(),
    log: createLogger({ level: 'silent', pretty: false }),
    startedAtMs: performance.now(),
    clientIp: '127.0.0.1',
    principal: caller,
  });
  const response = await gateway.apollo.executeOperation({ query, ...(variables ? { variables } : {}) }, { contextValue });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { headers: response.http.headers, status: response.http.status, body: response.body.singleResult };
}
