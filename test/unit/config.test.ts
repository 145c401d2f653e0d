import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { ENV_KEYS, loadConfig } from '../../gateway/src/config';
import { problemsOf } from '../helpers/config-problems';

/** Production needs its own identity secret (the development default is refused there). */
const PRODUCTION = { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: 'p'.repeat(40) };

describe('loadConfig', () => {
  it('when the environment is empty, then every documented default applies', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.http).toEqual({ port: 4000, host: '0.0.0.0', maxBodyBytes: 1048576, shutdownGraceMs: 10000, trustProxy: false });
    expect(config.supergraph.path).toBe(path.resolve(__dirname, '../../supergraph.graphql'));
    expect(config.supergraph.watch).toBe(true);
    expect(config.subgraphs.timeoutMs).toBe(5000);
    expect(config.subgraphs.forwardHeaders).toEqual(['accept-language', 'traceparent', 'tracestate']);
    expect(config.graphql).toEqual({ introspection: true, sandbox: true, exposeErrorDetails: false });
  });

  it('when NODE_ENV=production, then Sandbox and introspection are off unless asked for', () => {
    expect(loadConfig({ ...PRODUCTION }).graphql).toMatchObject({ introspection: false, sandbox: false });
    expect(loadConfig({ ...PRODUCTION, INTROSPECTION: 'true' }).graphql.introspection).toBe(true);
  });

  it('when nothing about limits is set, then the documented production-safe defaults apply', () => {
    expect(loadConfig({}).limits).toEqual({
      failureMode: 'fail-open',
      rateLimit: { perMinute: 600 },
      cost: { mode: 'auto', max: 1000, defaultListSize: 10 },
      budget: { capacity: 1000, restorePerSecond: 100 },
      operation: { maxDepth: 15, maxAliases: 15, maxRootFields: 20, maxDirectivesPerField: 5, maxTokens: 2000 },
      batching: false,
      hideSchemaSuggestions: false,
    });
    expect(loadConfig(PRODUCTION).limits.hideSchemaSuggestions).toBe(true);
    expect(loadConfig({ RATE_LIMIT_ENABLED: 'false', COST_BUDGET_ENABLED: 'false' }).limits).toMatchObject({ rateLimit: false, budget: false });
  });

  it('when the cost budget holds less than COST_MAX, then start-up accepts it (the smaller of the two bounds an operation)', () => {
    expect(loadConfig({ COST_MAX: '500', COST_BUDGET_CAPACITY: '100' }).limits).toMatchObject({ cost: { max: 500 }, budget: { capacity: 100 } });
  });


  it('when several variables are bad, then one CONFIG_INVALID error lists every one of them', () => {
    const problems = problemsOf({ PORT: 'eighty', SUBGRAPH_TIMEOUT_MS: '-1', LOG_LEVEL: 'loud', SUPERGRAPH_WATCH: 'yes' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SUBGRAPH_TIMEOUT_MS', 'SUPERGRAPH_WATCH']);
  });

  it('when SUBGRAPH_URL_<NAME> is set, then it overrides that subgraph by lower-case name', () => {
    const config = loadConfig({ SUBGRAPH_URL_WISHLIST: 'http://127.0.0.1:9999/graphql' });
    expect(config.subgraphs.urlOverrides).toEqual({ wishlist: 'http://127.0.0.1:9999/graphql' });
  });

  it('when a subgraph URL override is not an http URL, then it is reported', () => {
    expect(problemsOf({ SUBGRAPH_URL_USERS: 'ftp://x' })[0]).toMatch(/^SUBGRAPH_URL_USERS:/);
  });

  it('when FORWARD_HEADERS names an identity header, then start-up is refused', () => {
    expect(problemsOf({ FORWARD_HEADERS: 'accept-language, X-User-Id, authorization' })[0]).toMatch(/x-user-id, authorization/);
  });

  it('when production would expose error details, then start-up is refused', () => {
    expect(problemsOf({ ...PRODUCTION, EXPOSE_ERROR_DETAILS: 'true' })[0]).toMatch(/^EXPOSE_ERROR_DETAILS/);
  });

  it('when a config file is given, then its values apply and the environment wins', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-config-'));
    const file = path.join(dir, 'frontdoor.yaml');
    writeFileSync(file, 'PORT: 5000\nSUBGRAPH_TIMEOUT_MS: 1200\nFORWARD_HEADERS: [accept-language, x-client-tag]\n');
    const config = loadConfig({ CONFIG_FILE: file, PORT: '6000' });
    expect(config.http.port).toBe(6000);
    expect(config.subgraphs.timeoutMs).toBe(1200);
    expect(config.subgraphs.forwardHeaders).toEqual(['accept-language', 'x-client-tag']);
  });

  it('when the config file is missing, then that is one of the reported problems', () => {
    expect(problemsOf({ CONFIG_FILE: '/nonexistent/frontdoor.yaml', PORT: 'x' })).toHaveLength(2);
  });

  it('when loaded, then the config is deeply frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.subgraphs.forwardHeaders)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(path.join(__dirname, '../../docs/configuration.md'), 'utf8');

  it('when docs/configuration.md is read, then every variable the gateway accepts has a row', () => {
    const missing = ENV_KEYS.filter((key) => !doc.includes(`| \`${key}\` |`));
    expect(missing).toEqual([]);
  });

  it('when docs/configuration.md is read, then every row names a variable the gateway accepts', () => {
    const rows = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows.length).toBeGreaterThanOrEqual(ENV_KEYS.length);
    expect(rows.filter((key) => key === undefined || !ENV_KEYS.includes(key))).toEqual([]);
  });

  it('when docs/configuration.md is read, then each row sits under an area whose linked schema file declares it', () => {
    const misplaced: string[] = [];
    for (const section of doc.split(/^## /m).slice(1)) {
      const sources = [...section.matchAll(/\]\(\.\.\/(gateway\/src\/[^)]+\.ts)\)/g)]
        .map((m) => readFileSync(path.join(__dirname, '../..', m[1] ?? ''), 'utf8'));
      for (const [, key = ''] of section.matchAll(/^\| `([^`]+)` \|/gm)) {
        // A schema key (`PORT:`), or an open-ended name read by prefix (`'SUBGRAPH_URL_'`) or by name (`'CONFIG_FILE'`).
        const declared = new RegExp(`\\b${key}\\s*:|'${key.replace('<NAME>', '')}'`);
        if (!sources.some((source) => declared.test(source))) misplaced.push(`${key} (under "${section.split('\n')[0]}")`);
      }
    }
    expect(misplaced).toEqual([]);
  });
});

describe('loadConfig: caching', () => {
  it('when nothing is set, then the response cache, APQ and a local plan cache are on, and no manifest is loaded', () => {
    const { cache } = loadConfig({});
    expect(cache.response).toEqual({ maxAgeS: 300, staleS: 3600, maxEntryBytes: 262144 });
    expect(cache.apq).toEqual({ ttlS: 86400 });
    expect(cache.trustedDocuments).toBe(false);
    expect(cache.plan).toEqual({ shared: true, maxEntries: 1000, ttlS: 86400 });
  });

  it('when the manifest file is missing or safelist has no manifest, then start-up is refused with CONFIG_INVALID', () => {
    expect(problemsOf({ PERSISTED_QUERIES_MANIFEST: '/nonexistent/manifest.json' })[0]).toMatch(/^PERSISTED_QUERIES_MANIFEST: cannot read/);
    expect(problemsOf({ PERSISTED_QUERIES_SAFELIST: 'true' })[0]).toMatch(/^PERSISTED_QUERIES_SAFELIST: needs PERSISTED_QUERIES_MANIFEST/);
  });

  it('when a manifest is not in Apollo\'s format, then the problem names the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-manifest-'));
    const file = path.join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'x', name: 'A', type: 'query' }] }));
    expect(problemsOf({ PERSISTED_QUERIES_MANIFEST: file })[0]).toMatch(/operations\.0\.body/);
  });

  it('when the shipped manifest is configured with safelist, then its operations are loaded', () => {
    const file = path.resolve(__dirname, '../../gateway/operations/persisted-query-manifest.json');
    const { cache } = loadConfig({ PERSISTED_QUERIES_MANIFEST: file, PERSISTED_QUERIES_SAFELIST: 'true' });
    expect(cache.trustedDocuments && cache.trustedDocuments.operations.map((o) => o.name)).toEqual(['Order', 'PlaceOrder', 'ProfileDeferred', 'Profile']);
  });
});

describe('loadConfig: @defer', () => {
  it('when nothing is set, then @defer is on with a 15 s stream deadline', () => {
    expect(loadConfig({}).defer).toEqual({ timeoutMs: 15000 });
  });

  it('when DEFER_ENABLED=false, then the section is false', () => {
    expect(loadConfig({ DEFER_ENABLED: 'false' }).defer).toBe(false);
  });

  it('when DEFER_TIMEOUT_MS is below 100 ms, then start-up is refused with CONFIG_INVALID naming it', () => {
    expect(problemsOf({ DEFER_TIMEOUT_MS: '10' })[0]).toMatch(/^DEFER_TIMEOUT_MS:/);
  });
});
