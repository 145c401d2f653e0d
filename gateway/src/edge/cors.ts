import { sendError } from '../http/graphql-handler';
import type { CorsConfig } from './edge-config';
import { originAllowed } from './origin-patterns';
import type { GatewayRequest, GatewayResponse } from './request-types';

/** `answered`: a preflight got its whole response here and must go no further (not to Apollo Server). */
export type CorsOutcome = 'continue' | 'answered' | 'refused';

export interface Cors {
  handle(req: GatewayRequest, res: GatewayResponse): CorsOutcome;
}

/**
 * Our own CORS instead of the `cors` package: we need wildcard-subdomain and any-port patterns
 * checked the same way config validation reads them, a refused preflight answered with a coded
 * error (the package answers it 204 without headers), and header values joined once rather than
 * per request. Allowed origins are echoed only after they match a configured rule, with
 * `Vary: Origin`, so a shared cache never hands one origin's answer to another.
 */
export function corsPolicy(config: false | CorsConfig, extraMethods: readonly string[] = []): Cors {
  // REST routes may add PUT, PATCH or DELETE (rest/rest-door.ts).
  const allowMethods = ['GET', 'POST', ...extraMethods, 'OPTIONS'].join(', ');
  const allowHeaders = config ? config.allowedHeaders.join(', ') : '';
  const exposeHeaders = config ? config.exposedHeaders.join(', ') : '';
  const maxAge = config ? String(config.maxAgeS) : '0';
  return {
    handle: (req, res) => {
      const origin = req.headers.origin;
      // No Origin: a same-origin navigation or a program; CORS does not apply.
      if (origin === undefined) return 'continue';
      const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      // The answer depends on Origin whether or not it is allowed.
      if (config) res.setHeader('vary', 'Origin');
      if (!config || !originAllowed(config.origins, origin.toLowerCase())) {
        if (!preflight) return 'continue';
        // Not reached by Apollo Server; without Access-Control-Allow-Origin the browser stops here.
        sendError(res, 'CORS_ORIGIN_NOT_ALLOWED');
        return 'refused';
      }
      res.setHeader('access-control-allow-origin', origin);
      if (config.credentials) res.setHeader('access-control-allow-credentials', 'true');
      if (!preflight) {
        if (exposeHeaders) res.setHeader('access-control-expose-headers', exposeHeaders);
        return 'continue';
      }
      res.setHeader('access-control-allow-methods', allowMethods);
      if (allowHeaders) res.setHeader('access-control-allow-headers', allowHeaders);
      res.setHeader('access-control-max-age', maxAge);
      res.statusCode = 204;
      res.end();
      return 'answered';
    },
  };
}
