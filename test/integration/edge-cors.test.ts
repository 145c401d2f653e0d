import { startTestGateway } from '../helpers/stack';
import type { GatewayHandle } from '../../gateway/src/server';

const ALLOWED = 'https://app.example.com';
const REFUSED = 'https://evil.example.org';

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
}

function post(url: string, headers: Record<string, string>, body = '{ __typename }'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: body }) });
}

async function code(res: Response): Promise<unknown> {
  return ((await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
}

describe('CORS policy', () => {
  let gateway: GatewayHandle;
  beforeAll(async () => {
    gateway = await startTestGateway({ CORS_ORIGINS: 'https://*.example.com,http://localhost:*', CORS_ALLOW_CREDENTIALS: 'true', CORS_MAX_AGE_S: '120' });
  });
  afterAll(() => gateway.stop());

  it('when a configured origin sends a preflight, then it gets 204 with the allowed origin, methods, headers and max-age', async () => {
    // Act
    const res = await preflight(gateway.url, ALLOWED);

    // Assert
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(res.headers.get('access-control-max-age')).toBe('120');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it.each([REFUSED, 'https://example.com', 'https://app.example.com.evil.io', 'null'])(
    'when %s sends a preflight, then it gets 403 CORS_ORIGIN_NOT_ALLOWED without Access-Control-Allow-Origin',
    async (origin) => {
      // Act
      const res = await preflight(gateway.url, origin);

      // Assert
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(await code(res)).toBe('CORS_ORIGIN_NOT_ALLOWED');
    },
  );

  it('when an allowed origin POSTs an operation, then the response carries the CORS headers', async () => {
    // Act
    const res = await post(gateway.url, { origin: 'http://localhost:5173' });

    // Assert
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('when another origin POSTs an operation, then it is answered without CORS headers (the browser withholds it)', async () => {
    // Act
    const res = await post(gateway.url, { origin: REFUSED });

    // Assert
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('when a GET has neither a content-type nor apollo-require-preflight, then Apollo CSRF prevention still refuses it; with the header it runs', async () => {
    // Act
    const refused = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: ALLOWED } });
    const allowed = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: ALLOWED, 'apollo-require-preflight': 'true' } });

    // Assert
    expect(refused.status).toBe(400);
    expect(await code(refused)).toBe('BAD_REQUEST');
    expect(allowed.status).toBe(200);
  });
});

describe('CORS defaults', () => {
  it('when CORS_ORIGINS is unset in development, then Apollo Studio and localhost on any port may call, others not', async () => {
    // Arrange
    const gateway = await startTestGateway({ NODE_ENV: 'development' });
    try {
      // Act
      const studio = await preflight(gateway.url, 'https://studio.apollographql.com');
      const local = await preflight(gateway.url, 'http://localhost:3000');
      const other = await preflight(gateway.url, REFUSED);

      // Assert
      expect(studio.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
      expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(other.status).toBe(403);
    } finally {
      await gateway.stop();
    }
  });

  it('when CORS_ORIGINS is unset in production, then no origin is allowed', async () => {
    // Arrange
    const gateway = await startTestGateway({ NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: 'p'.repeat(40) });
    try {
      // Act
      const studio = await preflight(gateway.url, 'https://studio.apollographql.com');

      // Assert
      expect(studio.status).toBe(403);
      expect(studio.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gateway.stop();
    }
  });
});

describe('security headers', () => {
  let gateway: GatewayHandle;
  beforeAll(async () => {
    gateway = await startTestGateway({ SANDBOX: 'true' });
  });
  afterAll(() => gateway.stop());

  const base = (): string => gateway.url.replace('/graphql', '');

  it.each([
    ['POST /graphql', () => post(gateway.url, {}), 200],
    ['GET /health', () => fetch(`${base()}/health`), 200],
    ['an unknown path (404)', () => fetch(`${base()}/nope`), 404],
    ['malformed JSON (400)', () => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400],
    ['a GraphQL error (400)', () => post(gateway.url, {}, '{ nope }'), 400],
  ])('when %s is answered, then it carries the security headers and a restrictive CSP', async (_name, send, status) => {
    // Act
    const res = await send();

    // Assert
    expect(res.status).toBe(status);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('apollographql.com');
    expect(res.headers.get('x-powered-by')).toBeNull();
    // No TLS here: HSTS over plain HTTP would be ignored by browsers.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('when a browser opens the Sandbox page, then its CSP lets it load the Sandbox from Apollo\'s CDN', async () => {
    // Act
    const res = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    const html = await res.text();

    // Assert
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptHosts = [...html.matchAll(/<script[^>]*src="(https:\/\/[^/"]+)/g)].map((m) => m[1]);
    expect(scriptHosts.length).toBeGreaterThan(0);
    for (const host of scriptHosts) expect(csp).toMatch(new RegExp(`script-src [^;]*${host?.replace(/\./g, '\\.')}`));
    expect(csp).toContain('frame-src https://sandbox.embed.apollographql.com');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
