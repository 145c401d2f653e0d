import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../gateway/src/config';
import { compileOrigins, originAllowed } from '../../gateway/src/edge/origin-patterns';
import { problemsOf } from '../helpers/config-problems';

const allowed = (patterns: string[], origin: string): boolean => originAllowed(compileOrigins(patterns).rules, origin);

describe('CORS origin patterns', () => {
  it.each([
    [['https://app.example.com'], 'https://app.example.com', true],
    [['https://app.example.com'], 'http://app.example.com', false],
    [['https://app.example.com'], 'https://app.example.com:8443', false],
    [['https://*.example.com'], 'https://a.example.com', true],
    [['https://*.example.com'], 'https://a.b.example.com', true],
    [['https://*.example.com'], 'https://example.com', false],
    [['https://*.example.com'], 'https://evilexample.com', false],
    [['https://*.example.com'], 'https://a.example.com.evil.io', false],
    [['http://localhost:*'], 'http://localhost:5173', true],
    [['http://localhost:*'], 'http://localhost', true],
    [['http://localhost:*'], 'http://localhost.evil.io:80', false],
    [['*'], 'https://anything.io', true],
    [[], 'https://anything.io', false],
  ])('when the policy is %j, then %s is allowed: %s', (patterns, origin, expected) => {
    expect(allowed(patterns, origin)).toBe(expected);
  });

  it('when an entry is not an origin, then it is reported', () => {
    expect(compileOrigins(['example.com', 'https://a.com/path', 'https://a.*.com']).problems).toHaveLength(3);
  });
});

describe('edge configuration', () => {
  it('when nothing is set, then HTTP is plain, CORS allows the development origins and subgraph TLS is default', () => {
    const { edge } = loadConfig({});
    expect(edge.tls).toBe(false);
    expect(edge.hsts).toBe(false);
    expect(edge.subgraphTls).toBe(false);
    expect(edge.cors && edge.cors.credentials).toBe(false);
  });

  it('when NODE_ENV=production and CORS_ORIGINS is unset, then CORS is off', () => {
    expect(loadConfig({ NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: 'p'.repeat(40) }).edge.cors).toBe(false);
  });

  it('when `*` is combined with credentials, then the configuration is refused', () => {
    expect(problemsOf({ CORS_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' }).join('\n')).toMatch(/CORS_ORIGINS: `\*` cannot be combined/);
  });

  it('when TLS has a certificate but no key, or unreadable files, then every problem is reported', () => {
    expect(problemsOf({ TLS_CERT_FILE: '/nonexistent/cert.pem' }).join('\n')).toMatch(/TLS_KEY_FILE/);
    expect(problemsOf({ TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' }).join('\n')).toMatch(/TLS_CERT_FILE: cannot read/);
    expect(problemsOf({ SUBGRAPH_CLIENT_CERT_FILE: '/nonexistent/c.pem' }).join('\n')).toMatch(/SUBGRAPH_CLIENT_CERT_FILE/);
  });

  it('when the TLS files are not a certificate and key, then start-up is refused, without key material in the message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edge-config-'));
    writeFileSync(path.join(dir, 'cert.pem'), 'not a certificate');
    writeFileSync(path.join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n');
    const problems = problemsOf({ TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem') }).join('\n');
    expect(problems).toMatch(/not a usable PEM certificate and key/);
    expect(problems).not.toContain('c2VjcmV0');
  });
});
