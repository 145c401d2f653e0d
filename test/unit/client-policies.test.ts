import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { ANONYMOUS, type Principal } from '../../gateway/src/auth/principal';
import { ClientRegistry } from '../../gateway/src/clients/client-registry';
import { selectsIntrospection } from '../../gateway/src/clients/introspection';
import { loadConfig } from '../../gateway/src/config';
import { GatewayMetrics, MAX_CLIENT_VERSIONS } from '../../gateway/src/observability/metrics';
import { problemsOf } from '../helpers/config-problems';

const MANIFEST = path.resolve(__dirname, '../../gateway/operations/persisted-query-manifest.json');

const policies = (value: unknown): Record<string, string> => ({ CLIENT_POLICIES: JSON.stringify(value) });
const user = (client?: string): Principal => ({ id: 'u1', scopes: [], tokenId: null, ...(client ? { client } : {}) });

describe('CLIENT_POLICIES: parsing', () => {
  it('when unset, then there are no policies and the default policy is the global settings', () => {
    const { clients } = loadConfig({ RATE_LIMIT_PER_MINUTE: '50', COST_MAX: '300', INTROSPECTION: 'false' });
    expect(clients.policies).toEqual([]);
    expect(clients.nameClaim).toBe('client_name');
    expect(clients.default).toMatchObject({
      name: 'default',
      label: 'other',
      rateLimit: { perMinute: 50 },
      costMax: 300,
      budget: { capacity: 1000, restorePerSecond: 100 },
      operations: 'any',
      introspection: false,
      keyPrefix: '',
    });
  });

  it('when a policy sets some fields, then the others fall back to the global settings', () => {
    const { clients } = loadConfig(policies({ mobile: { rateLimitPerMinute: 3, costMax: 20, introspection: false } }));
    expect(clients.policies).toEqual([
      {
        name: 'mobile',
        label: 'mobile',
        requireToken: false,
        rateLimit: { perMinute: 3 },
        costMax: 20,
        budget: { capacity: 1000, restorePerSecond: 100 },
        operations: 'any',
        introspection: false,
        keyPrefix: '',
      },
    ]);
  });

  it('when a policy requires the token, then it counts in its own keys and may be more generous than the default', () => {
    const { clients } = loadConfig(policies({ partner: { requireToken: true, rateLimitPerMinute: 5000, costMax: 2000, costBudgetCapacity: 4000 } }));
    expect(clients.policies[0]).toMatchObject({ requireToken: true, keyPrefix: 'client:partner:', rateLimit: { perMinute: 5000 }, costMax: 2000 });
  });

  it('when CONFIG_FILE holds the policies as a YAML mapping, then they are read like the JSON variable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-clients-'));
    const file = path.join(dir, 'frontdoor.yaml');
    writeFileSync(file, 'CLIENT_NAME_CLAIM: azp\nCLIENT_POLICIES:\n  mobile:\n    rateLimitPerMinute: 3\n  web: { costMax: 500 }\n');
    const { clients, auth } = loadConfig({ CONFIG_FILE: file });
    expect(clients.policies.map((p) => [p.name, p.rateLimit, p.costMax])).toEqual([
      ['mobile', { perMinute: 3 }, 1000],
      ['web', { perMinute: 600 }, 500],
    ]);
    expect(auth.clientClaim).toBe('azp');
  });

  it('when rate limits and budgets are off globally, then policies inherit `false`', () => {
    const { clients } = loadConfig({ RATE_LIMIT_ENABLED: 'false', COST_BUDGET_ENABLED: 'false', ...policies({ web: { costMax: 10 } }) });
    expect(clients.policies[0]).toMatchObject({ rateLimit: false, budget: false, costMax: 10 });
  });
});

describe('CLIENT_POLICIES: validation', () => {
  it('when several policies are wrong, then one CONFIG_INVALID lists every problem, each naming its policy and field', () => {
    const problems = problemsOf({
      ...policies({
        mobile: { rateLimitPerMinute: 0, costMax: 'lots' },
        web: { rateLimitPerMinut: 10 },
        'bad name!': {},
        other: {},
        partner: { operations: 'persisted' },
      }),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CLIENT_POLICIES\.mobile\.rateLimitPerMinute:/),
        expect.stringMatching(/^CLIENT_POLICIES\.mobile\.costMax:/),
        expect.stringMatching(/^CLIENT_POLICIES\.web: .*rateLimitPerMinut/),
        expect.stringMatching(/^CLIENT_POLICIES\.bad name!: client names are/),
        expect.stringMatching(/^CLIENT_POLICIES\.other: 'other' is reserved/),
        expect.stringMatching(/^CLIENT_POLICIES\.partner\.operations: 'persisted' needs PERSISTED_QUERIES_MANIFEST/),
      ]),
    );
    expect(problems).toHaveLength(6);
    // Another bad variable does not hide the policies' own problems.
    expect(problemsOf({ PORT: 'eighty', ...policies({ mobile: { costMax: 'lots' } }) }).map((p) => p.split(':')[0])).toEqual(['PORT', 'CLIENT_POLICIES.mobile.costMax']);
  });

  it('when CLIENT_POLICIES is not JSON or not an object, then that is reported', () => {
    expect(problemsOf({ CLIENT_POLICIES: '{mobile:' })[0]).toMatch(/^CLIENT_POLICIES: not valid JSON/);
    expect(problemsOf({ CLIENT_POLICIES: '["mobile"]' })[0]).toMatch(/^CLIENT_POLICIES: must be an object/);
  });

  it('when a header-selectable policy is more generous than the default, then start-up is refused until it requires the token', () => {
    const problems = problemsOf({
      INTROSPECTION: 'false',
      ...policies({ web: { rateLimitPerMinute: 601, costMax: 1001, costBudgetCapacity: 2000, costBudgetRestorePerSecond: 101, introspection: true } }),
    });
    expect(problems).toEqual([expect.stringMatching(/^CLIENT_POLICIES\.web: rateLimitPerMinute, costMax, costBudgetCapacity, costBudgetRestorePerSecond, introspection more generous than the default; set requireToken: true/)]);
  });

  it('when a policy sets a limit that is off globally, then that is reported', () => {
    expect(problemsOf({ RATE_LIMIT_ENABLED: 'false', ...policies({ web: { rateLimitPerMinute: 5 } }) })).toEqual([expect.stringMatching(/^CLIENT_POLICIES\.web\.rateLimitPerMinute: RATE_LIMIT_ENABLED is false/)]);
    expect(problemsOf({ COST_BUDGET_ENABLED: 'false', ...policies({ web: { costBudgetCapacity: 5 } }) })).toEqual([expect.stringMatching(/COST_BUDGET_ENABLED is false/)]);
  });

  it('when a persisted-only policy has a manifest, then it is accepted', () => {
    const { clients } = loadConfig({ PERSISTED_QUERIES_MANIFEST: MANIFEST, ...policies({ partner: { requireToken: true, operations: 'persisted' } }) });
    expect(clients.policies[0]?.operations).toBe('persisted');
  });
});

describe('ClientRegistry.identify', () => {
  const config = loadConfig(policies({ mobile: { rateLimitPerMinute: 3 }, partner: { requireToken: true, rateLimitPerMinute: 5000 } })).clients;
  const registry = new ClientRegistry(config);

  it('when neither header nor claim names a client, then the shared unidentified identity (default policy) is returned', () => {
    expect(registry.identify({}, ANONYMOUS)).toBe(registry.unidentified);
    expect(registry.unidentified.policy.name).toBe('default');
  });

  it('when the header names a configured client, then its policy applies and name and version are kept for the log', () => {
    const client = registry.identify({ 'apollographql-client-name': 'mobile', 'apollographql-client-version': '1.2.3' }, ANONYMOUS);
    expect(client).toEqual({ name: 'mobile', version: '1.2.3', policy: expect.objectContaining({ name: 'mobile', label: 'mobile' }) });
  });

  it('when the header names an unknown client, then the default policy applies (label other) and the name is still logged', () => {
    const client = registry.identify({ 'apollographql-client-name': 'tv-app' }, ANONYMOUS);
    expect(client.name).toBe('tv-app');
    expect(client.policy).toBe(registry.default);
    expect(client.policy.label).toBe('other');
  });

  it('when only the header names a requireToken policy, then the default policy applies', () => {
    expect(registry.identify({ 'apollographql-client-name': 'partner' }, user()).policy).toBe(registry.default);
  });

  it('when the token claim and the header disagree, then the claim wins', () => {
    const client = registry.identify({ 'apollographql-client-name': 'mobile' }, user('partner'));
    expect(client.name).toBe('partner');
    expect(client.policy.name).toBe('partner');
    expect(registry.identify({ 'apollographql-client-name': 'partner' }, user('mobile')).policy.name).toBe('mobile');
  });

  it('when a header is very long, then the logged value is cut to 64 characters', () => {
    expect(registry.identify({ 'apollographql-client-name': 'x'.repeat(5000) }, ANONYMOUS).name).toHaveLength(64);
  });
});

describe('ClientRegistry: what the server must switch on', () => {
  const registryOf = (env: Record<string, string>): ClientRegistry => new ClientRegistry(loadConfig(env).clients);

  it('when no policy restricts operations or introspection, then the per-operation check plugin is not needed', () => {
    expect(registryOf({}).needsOperationChecks).toBe(false);
    expect(registryOf(policies({ web: { rateLimitPerMinute: 10 } })).needsOperationChecks).toBe(false);
    // Introspection off everywhere: Apollo Server's own switch refuses it, no plugin needed.
    expect(registryOf({ INTROSPECTION: 'false' }).needsOperationChecks).toBe(false);
  });

  it('when a policy forbids introspection, allows it against the default, or is persisted only, then the checks are needed', () => {
    expect(registryOf(policies({ mobile: { introspection: false } })).needsOperationChecks).toBe(true);
    const tools = registryOf({ INTROSPECTION: 'false', ...policies({ tools: { requireToken: true, introspection: true } }) });
    expect(tools.anyAllowsIntrospection).toBe(true);
    expect(tools.needsOperationChecks).toBe(true);
    expect(registryOf({ PERSISTED_QUERIES_MANIFEST: MANIFEST, ...policies({ partner: { operations: 'persisted' } }) }).needsOperationChecks).toBe(true);
  });
});

describe('selectsIntrospection', () => {
  const check = (query: string): boolean => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
    if (!operation || operation.kind !== 'OperationDefinition') throw new Error('no operation');
    return selectsIntrospection(document, operation);
  };

  it('when __schema or __type is selected, directly or through fragments, then it is introspection', () => {
    expect(check('{ __schema { types { name } } }')).toBe(true);
    expect(check('{ user(id: "1") { id } __type(name: "User") { name } }')).toBe(true);
    expect(check('{ ...F } fragment F on Query { ... on Query { __schema { queryType { name } } } }')).toBe(true);
  });

  it('when only __typename or ordinary fields are selected, then it is not', () => {
    expect(check('{ __typename user(id: "1") { __typename id } }')).toBe(false);
    expect(check('{ ...F } fragment F on Query { ...F user(id: "1") { id } }')).toBe(false);
  });
});

describe('GatewayMetrics.clientVersionLabel', () => {
  it('when versions come from a configured client, then the first ones are kept and later ones count as other; unknown clients are always other', () => {
    const metrics = new GatewayMetrics({ breakerStates: () => ({}), planCacheStats: () => ({ localHits: 0, sharedHits: 0, misses: 0 }) }, { defaultMetrics: false });
    const labels = Array.from({ length: MAX_CLIENT_VERSIONS + 1 }, (_, i) => metrics.clientVersionLabel('mobile', `1.${i}`));
    expect(labels.slice(0, MAX_CLIENT_VERSIONS)).toEqual(Array.from({ length: MAX_CLIENT_VERSIONS }, (_, i) => `1.${i}`));
    expect(labels[MAX_CLIENT_VERSIONS]).toBe('other');
    expect(metrics.clientVersionLabel('mobile', '1.0')).toBe('1.0');
    expect(metrics.clientVersionLabel('web', '1.0')).toBe('1.0');
    expect(metrics.clientVersionLabel('other', '1.0')).toBe('other');
    expect(metrics.clientVersionLabel('mobile', null)).toBe('other');
  });
});
