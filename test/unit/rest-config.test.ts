import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { buildSchema } from 'graphql';
import { loadConfig } from '../../gateway/src/config';
import { createLogger } from '../../gateway/src/logger';
import { compileRoute } from '../../gateway/src/rest/compiled-route';
import { compareSpecificity, matchTemplate, parsePathTemplate, type PathTemplate } from '../../gateway/src/rest/path-template';
import { RestRouteTable } from '../../gateway/src/rest/route-table';
import { problemsOf } from '../helpers/config-problems';
import { DEV_CONFIG_FILE, manifestWith } from '../helpers/rest';

const SUPERGRAPH = readFileSync(path.join(__dirname, '../../supergraph.graphql'), 'utf8');
const routes = (table: Record<string, unknown>, env: Record<string, string> = {}) => ({ REST_ROUTES: JSON.stringify(table), ...env });

describe('REST route table (REST_ROUTES)', () => {
  it('when the route table npm start ships is loaded, then its three routes compile against the committed supergraph', () => {
    // Arrange
    const config = loadConfig({ CONFIG_FILE: DEV_CONFIG_FILE });
    const schema = Supergraph.build(SUPERGRAPH, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();

    // Act
    const compiled = config.rest ? config.rest.routes.map((r) => compileRoute(r, schema)) : [];

    // Assert
    expect(config.rest && config.rest.routes.map((r) => `${r.label} → ${r.operation.name}`).sort()).toEqual([
      'GET /api/orders/{id} → Order',
      'GET /api/users/{id}/profile → Profile',
      'POST /api/orders → PlaceOrder',
    ]);
    expect(compiled.map((c) => (c.ok ? 'ok' : c.problem))).toEqual(['ok', 'ok', 'ok']);
  });

  it('when REST_ROUTES is unset, then REST is off', () => {
    expect(loadConfig({}).rest).toBe(false);
  });

  it('when routes are wrong in every way the config can see, then each problem is reported at once', () => {
    // Act
    const problems = problemsOf(
      routes({
        'FETCH /api/x': 'Profile',
        'GET api/x': 'Profile',
        'GET /api/unknown': 'NoSuchOperation',
        'POST /api/profile/{id}': 'Profile',
        'GET /api/orders/new': 'PlaceOrder',
        'GET /api/users/{userId}': 'Profile',
        'GET /api/users/{id}/picked': { operation: 'Profile', pick: 'user.nope' },
        'POST /api/orders': { operation: 'PlaceOrder', body: 'order' },
        'GET /graphql': 'Profile',
        'GET /api/a/{id}': 'Profile',
        'GET /api/a/{key}': 'ByKey',
        'GET /api/b': { operation: 'Profile', extra: true },
      }, { REST_OPERATIONS_MANIFEST: manifestWith({ ByKey: 'query ByKey($key: ID!) { order(id: $key) { id } }' }) }),
    );

    // Assert
    const text = problems.join('\n');
    for (const key of ['FETCH /api/x', 'GET api/x', 'GET /api/unknown', 'POST /api/profile/{id}', 'GET /api/orders/new', 'GET /api/users/{userId}', 'GET /api/users/{id}/picked', 'POST /api/orders', 'GET /graphql', 'GET /api/a/{key}', 'GET /api/b']) {
      expect(text).toContain(`REST_ROUTES."${key}"`);
    }
    expect(problems).toHaveLength(11);
  });

  it('when REST_DOCS is asked for in production, then the config is refused', () => {
    expect(problemsOf(routes({ 'GET /api/p/{id}': 'Profile' }, { NODE_ENV: 'production', REST_DOCS: 'true', SUBGRAPH_IDENTITY_SECRET: 'x'.repeat(40) }))).toEqual([expect.stringContaining('REST_DOCS')]);
  });

  it('when an operation needs an input object from the query string, then the route is disabled against the schema with a reason', () => {
    // Arrange
    const manifest = manifestWith({ Guess: 'mutation Guess($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', Listy: 'query Listy { users { edges { node { id } } } }' });
    const config = loadConfig(routes({ 'DELETE /api/guess': 'Guess', 'GET /api/users': { operation: 'Listy', pick: 'users.edges' } }, { REST_OPERATIONS_MANIFEST: manifest }));
    const schema = Supergraph.build(SUPERGRAPH, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();

    // Act
    const results = config.rest ? config.rest.routes.map((r) => compileRoute(r, schema)) : [];

    // Assert
    expect(results.map((r) => (r.ok ? 'ok' : r.problem))).toEqual([expect.stringContaining('$input'), expect.stringContaining('single object')]);
  });
});

describe('REST path templates', () => {
  const template = (source: string): PathTemplate => {
    const parsed = parsePathTemplate(source);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.template;
  };
  const parts = (p: string) => p.slice(1).split('/');

  it('when a path matches, then parameters are percent-decoded; a different shape or an empty segment does not match', () => {
    const t = template('/api/users/{id}/profile');
    expect(matchTemplate(t, parts('/api/users/a%20b/profile'))).toEqual({ id: 'a b' });
    expect(matchTemplate(t, parts('/api/users//profile'))).toBeNull();
    expect(matchTemplate(t, parts('/api/users/1'))).toBeNull();
    expect(matchTemplate(t, parts('/api/users/%E0%A4%A/profile'))).toBeNull();
  });

  it('when templates are sorted, then a literal segment comes before a parameter at the first difference', () => {
    const sorted = [template('/users/{id}'), template('/users/me')].sort(compareSpecificity).map((t) => t.source);
    expect(sorted).toEqual(['/users/me', '/users/{id}']);
  });

  it.each(['/', '/a/', 'a', '/a/{b', '/a/{1x}', '/a/{b}/{b}', '/a/b c'])('when the template is %s, then it is refused', (source) => {
    expect(parsePathTemplate(source).ok).toBe(false);
  });
});

describe('REST route table against a schema', () => {
  const config = loadConfig({ CONFIG_FILE: DEV_CONFIG_FILE });
  const quiet = createLogger({ level: 'silent', pretty: false });
  const tableOver = (sdl: string | undefined): RestRouteTable => {
    if (!config.rest) throw new Error('the dev config has routes');
    return new RestRouteTable(config.rest, { onSchemaLoadOrUpdate: (cb) => (sdl ? cb({ apiSchema: buildSchema(sdl), coreSupergraphSdl: sdl }) : undefined) }, quiet);
  };

  it('when no schema is loaded yet, then a route path answers not-ready and other paths none', () => {
    const table = tableOver(undefined);
    expect(table.match('GET', '/api/orders/1').kind).toBe('not-ready');
    expect(table.match('GET', '/api/else').kind).toBe('none');
    expect(table.openapi).toBeUndefined();
  });

  it('when a schema no longer fits an operation, then only that route is broken and the document leaves it out', () => {
    // Arrange: a schema with users but no orders.
    const table = tableOver('type Query { user(id: ID!): User } type User { id: ID! name: String! }');

    // Act
    const order = table.match('GET', '/api/orders/o-1-1');
    const methodNotAllowed = table.match('PUT', '/api/orders');

    // Assert
    expect(order.kind).toBe('broken');
    expect(methodNotAllowed).toEqual({ kind: 'method-not-allowed', allow: 'POST' });
    expect(Object.keys((JSON.parse(table.openapi?.body ?? '{}') as { paths: object }).paths)).toEqual([]);
  });
});
