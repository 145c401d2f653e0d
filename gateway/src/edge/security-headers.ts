import type { GatewayRequest, GatewayResponse } from './request-types';

export interface SecurityHeaderOptions {
  /** `false` without TLS: HSTS over plain HTTP is ignored by browsers and only misleads. */
  hsts: false | { maxAgeS: number; includeSubDomains: boolean };
  /** SANDBOX: GET /graphql from a browser gets Apollo's landing page, which needs its CDN. */
  sandbox: boolean;
  /** REST_DOCS: Swagger UI's page and assets under this path, all served from this origin. */
  docsPath?: string | undefined;
}

/** Everything else is JSON for programs: nothing may load, frame it or be sent anywhere from it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Apollo's embedded Sandbox page (@apollo/server's landing page plugin, `embed: true`) loads its
 * script and styles from Apollo's CDN, Google Fonts, and frames sandbox.embed.apollographql.com;
 * the page then sends operations to this origin. Its inline script and style carry a per-response
 * nonce that the page's own <meta> CSP enforces; a header CSP cannot know that nonce, so it allows
 * inline code and both policies apply (a browser enforces every policy), keeping the nonce check.
 */
const APOLLO_LANDING_CDN = 'https://apollo-server-landing-page.cdn.apollographql.com';
const APOLLO_SANDBOX_CDN = 'https://embeddable-sandbox.cdn.apollographql.com';
const SANDBOX_CSP = [
  "default-src 'none'",
  `script-src 'self' 'unsafe-inline' ${APOLLO_SANDBOX_CDN} ${APOLLO_LANDING_CDN}`,
  `style-src 'unsafe-inline' ${APOLLO_SANDBOX_CDN} ${APOLLO_LANDING_CDN} https://fonts.googleapis.com`,
  'font-src https://fonts.gstatic.com',
  `img-src ${APOLLO_LANDING_CDN} data:`,
  `manifest-src ${APOLLO_LANDING_CDN}`,
  'frame-src https://sandbox.embed.apollographql.com',
  "connect-src 'self' https://*.apollographql.com",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Swagger UI (rest/docs-page.ts): its script and styles come from this origin; React sets inline style attributes. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface SecurityHeaders {
  /** Sets the headers every response carries; call before anything is written. */
  apply(req: GatewayRequest, res: GatewayResponse, pathname: string): void;
}

/**
 * Security headers on every response (helmet's defaults, narrowed for an API). Our own ~40 lines
 * instead of helmet: the two header lists are built once and applied with a loop of setHeader,
 * and the one page that needs a looser CSP is picked by the same test Apollo Server uses.
 */
export function securityHeaders(opts: SecurityHeaderOptions, graphqlPath: string): SecurityHeaders {
  const common: Array<readonly [string, string]> = [
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
  ];
  if (opts.hsts) common.push(['strict-transport-security', `max-age=${opts.hsts.maxAgeS}${opts.hsts.includeSubDomains ? '; includeSubDomains' : ''}`]);
  const api: HeaderList = [...common, ['content-security-policy', API_CSP]];
  const landing: HeaderList = [...common, ['content-security-policy', SANDBOX_CSP]];
  const docs: HeaderList = [...common, ['content-security-policy', DOCS_CSP]];
  const { docsPath } = opts;
  return {
    apply: (req, res, pathname) => {
      const headers =
        opts.sandbox && isLandingPageRequest(req, pathname, graphqlPath) ? landing
        : docsPath !== undefined && (pathname === docsPath || pathname.startsWith(`${docsPath}/`)) ? docs
        : api;
      for (const [name, value] of headers) res.setHeader(name, value);
    },
  };
}

/** Apollo Server serves its landing page to a GET whose Accept prefers text/html; a looser match here only loosens the CSP of a JSON answer to such a GET. */
function isLandingPageRequest(req: GatewayRequest, pathname: string, graphqlPath: string): boolean {
  return req.method === 'GET' && pathname === graphqlPath && (req.headers.accept ?? '').includes('text/html');
}
