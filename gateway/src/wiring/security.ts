import type { ApolloGateway } from '@apollo/gateway';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { Authenticator } from '../auth/authenticate';
import { AuthorizationDecisions } from '../auth/authorization-decisions';
import { authorizingGateway } from '../auth/authorizing-gateway';
import { IdentitySigner } from '../auth/identity-header';
import { registerEnforcedSecurityFeatures } from '../auth/security-features';
import { setUpAuthentication } from '../auth/setup';
import type { Config } from '../config';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import type { Logger } from '../logger';
import type { Redis } from '../redis';

export interface Authorization {
  /** What Apollo Server executes through: in filter mode a wrapper that removes denied fields before planning. */
  gateway: GatewayInterface;
  /** Filter mode's decision cache, shared by the executor wrapper and the limits plugin; undefined in reject mode. */
  decisions: AuthorizationDecisions | undefined;
}

export interface Security {
  /** Bearer token → principal, revocation included. */
  authenticator: Authenticator;
  /** One signer for every subgraph: a request's calls share one signed identity header. */
  identity: IdentitySigner;
  /** `@authenticated` / `@requiresScopes` around the gateway, once its directives are indexed. */
  authorize(gateway: ApolloGateway, directives: DirectiveIndexHolder): Authorization;
}

/** Who the caller is (authentication, revocation), how subgraphs learn it, and what the caller may see. */
export function buildSecurity(config: Config, redis: Redis | undefined, log: Logger): Security {
  // Before the gateway loads a supergraph: it refuses `for: SECURITY` links it does not know.
  registerEnforcedSecurityFeatures();
  return {
    authenticator: setUpAuthentication(config.auth, config.env, redis, log),
    identity: new IdentitySigner(config.auth.identitySecret),
    authorize(gateway, directives) {
      if (config.auth.authorizationMode !== 'filter') return { gateway, decisions: undefined };
      // Filter mode changes the document before planning, which only a wrapped executor can do.
      const decisions = new AuthorizationDecisions(directives);
      return { gateway: authorizingGateway(gateway, decisions), decisions };
    },
  };
}
