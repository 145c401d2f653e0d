import { DEV_IDENTITY_SECRET, DEV_JWT_SECRET } from '../../gateway/src/auth/auth-config';
import { loadConfig } from '../../gateway/src/config';
import { DEV_IDENTITY_SECRET as SUBGRAPH_DEV_IDENTITY_SECRET } from '../../subgraphs/shared/identity';
import { problemsOf } from '../helpers/config-problems';

describe('auth configuration', () => {
  it('when nothing is set, then HS256 with the development secret, filter mode and the dev iss/aud apply', () => {
    const { auth } = loadConfig({});
    expect(auth).toMatchObject({
      keys: { kind: 'secret', secret: DEV_JWT_SECRET, isDevSecret: true },
      algorithms: ['HS256'],
      issuer: 'frontdoor-dev',
      audience: 'frontdoor',
      clockToleranceS: 30,
      maxTokenBytes: 8192,
      revocationFailOpen: false,
      authorizationMode: 'filter',
      identitySecret: DEV_IDENTITY_SECRET,
    });
  });

  it('when AUTH_JWKS_URL is set, then asymmetric algorithms are the default and the secret is not used', () => {
    const { auth } = loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks.json' });
    expect(auth.keys).toMatchObject({ kind: 'jwks', url: 'http://127.0.0.1:1/jwks.json', cooldownMs: 30000 });
    expect(auth.algorithms).toEqual(['RS256', 'ES256', 'EdDSA']);
  });

  it('when an HS algorithm is allowed with JWKS (key confusion), then start-up is refused', () => {
    expect(problemsOf({ AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks', AUTH_ALGORITHMS: 'RS256,HS256' })[0]).toMatch(/^AUTH_ALGORITHMS: HS256/);
  });

  it('when `none` or an asymmetric algorithm is allowed with the shared secret, then start-up is refused', () => {
    expect(problemsOf({ AUTH_ALGORITHMS: 'none,RS256' })[0]).toMatch(/^AUTH_ALGORITHMS: none, RS256/);
  });

  it('when a secret is shorter than 32 characters, then it is reported', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: 'short', SUBGRAPH_IDENTITY_SECRET: 'short' }).map((p) => p.split(':')[0]).sort()).toEqual([
      'AUTH_JWT_SECRET',
      'SUBGRAPH_IDENTITY_SECRET',
    ]);
  });

  it('when NODE_ENV=production keeps the development identity secret, then start-up is refused', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).toMatch(/^SUBGRAPH_IDENTITY_SECRET/);
  });

  it('when NODE_ENV=production keeps the development JWT secret, then start-up goes on (a loud warning is logged)', () => {
    expect(loadConfig({ NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: 'x'.repeat(40) }).auth.keys).toMatchObject({ isDevSecret: true });
  });

  it('when gateway and subgraphs start with no secret, then they share the same development identity secret', () => {
    expect(SUBGRAPH_DEV_IDENTITY_SECRET).toBe(DEV_IDENTITY_SECRET);
  });
});
