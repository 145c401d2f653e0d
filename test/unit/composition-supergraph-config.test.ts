import path from 'node:path';
import { federationVersionMismatch, parseFederationVersion } from '../../scripts/composition/federation-version';
import {
  expandEnv,
  parseSupergraphConfig,
  SupergraphConfigError,
  type ParseSupergraphConfigOptions,
} from '../../scripts/composition/supergraph-config';

const baseDir = path.resolve('/repo/graphs');
const parse = (text: string, opts: Partial<ParseSupergraphConfigOptions> = {}) =>
  parseSupergraphConfig(text, { env: {}, baseDir, ...opts });

/** The issues of the SupergraphConfigError that `fn` throws (fails the test if it does not). */
function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof SupergraphConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a SupergraphConfigError');
}

const VALID = `
federation_version: =2.14.4
subgraphs:
  users:
    routing_url: http://localhost:4001/graphql
    schema:
      file: ./users/schema.graphql
  orders:
    routing_url: http://localhost:4002/graphql
    schema:
      file: /abs/orders.graphql
`;

describe('parseSupergraphConfig', () => {
  it('when the file is valid, then it returns every subgraph in file order with its routing url', () => {
    // Act
    const config = parse(VALID);

    // Assert
    expect(config.federationVersion).toEqual({ kind: 'exact', version: '2.14.4', raw: '=2.14.4' });
    expect(config.subgraphs.map((s) => [s.name, s.routingUrl])).toEqual([
      ['users', 'http://localhost:4001/graphql'],
      ['orders', 'http://localhost:4002/graphql'],
    ]);
  });

  it('when schema.file is relative, then it resolves against the yaml directory, and absolute paths stay as they are', () => {
    // Act
    const [users, orders] = parse(VALID).subgraphs;

    // Assert
    expect(users?.schema).toEqual({ kind: 'file', path: path.join(baseDir, 'users/schema.graphql') });
    expect(orders?.schema).toEqual({ kind: 'file', path: path.resolve('/abs/orders.graphql') });
  });

  it('when a value references a set variable, then ${env.NAME} expands in values and header names', () => {
    // Arrange
    const text = `
subgraphs:
  users:
    schema:
      subgraph_url: http://\${env.USERS_HOST}/graphql
      introspection_headers:
        \${env.HEADER}: Bearer \${env.TOKEN}
`;
    const env = { USERS_HOST: 'users.internal:4001', HEADER: 'authorization', TOKEN: 't0k' };

    // Act
    const [users] = parse(text, { env }).subgraphs;

    // Assert
    expect(users?.schema).toEqual({
      kind: 'introspect',
      url: 'http://users.internal:4001/graphql',
      headers: { authorization: 'Bearer t0k' },
    });
  });

  it('when subgraph_url is given without routing_url, then routing_url defaults to the subgraph_url', () => {
    // Act
    const [users] = parse(`subgraphs:\n  users:\n    schema:\n      subgraph_url: http://localhost:4001/graphql\n`).subgraphs;

    // Assert
    expect(users?.routingUrl).toBe('http://localhost:4001/graphql');
  });

  it('when a variable with a default is unset or empty, then the default is used; when set, its value', () => {
    // Arrange
    const text = `subgraphs:\n  users:\n    routing_url: \${env.USERS_URL:-http://localhost:4001/graphql}\n    schema: { file: ./u.graphql }\n`;

    // Act
    const unset = parse(text, { env: {} }).subgraphs[0]?.routingUrl;
    const empty = parse(text, { env: { USERS_URL: '' } }).subgraphs[0]?.routingUrl;
    const set = parse(text, { env: { USERS_URL: 'https://users.prod/graphql' } }).subgraphs[0]?.routingUrl;

    // Assert
    expect(unset).toBe('http://localhost:4001/graphql');
    expect(empty).toBe('http://localhost:4001/graphql');
    expect(set).toBe('https://users.prod/graphql');
  });

  it('when a referenced variable is unset and has no default, then the error names the variable', () => {
    // Arrange
    const text = `subgraphs:\n  users:\n    routing_url: \${env.USERS_URL}\n    schema: { file: ./u.graphql }\n`;

    // Act
    const issues = issuesOf(() => parse(text, { env: { OTHER: 'x' }, sourceName: 'supergraph.yaml' }));

    // Assert
    expect(issues[0]).toMatch(/^supergraph\.yaml: environment variable USERS_URL is not set/);
  });

  it('when a variable appears only in a comment, then it is not required', () => {
    // Act
    const config = parse(`# routing_url: \${env.NOT_SET}\n${VALID}`);

    // Assert
    expect(config.subgraphs).toHaveLength(2);
  });

  it.each([
    ['=1.5.0', /only Federation 2/],
    ['3', /only Federation 2/],
    ['latest', /is not a version/],
    ['2.14', /is not a version/],
    ['=2.14', /is not a version/],
  ])('when federation_version is %s, then it is rejected', (version, reason) => {
    // Act
    const issues = issuesOf(() => parse(VALID.replace('=2.14.4', version)));

    // Assert
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/federation_version: /);
    expect(issues[0]).toMatch(reason);
  });

  it('when there are several problems, then every one is reported at once with its key path', () => {
    // Arrange
    const text = `
federation_version: 2
colour: blue
subgraphs:
  users:
    routing_url: not a url
    schema: { file: ./u.graphql, sdl: "type Query { a: Int }" }
  orders:
    schema: { file: ./o.graphql }
`;

    // Act
    const issues = issuesOf(() => parse(text));

    // Assert
    expect(issues).toEqual([
      expect.stringContaining('colour: unknown key'),
      expect.stringContaining('subgraphs.users.schema: has file and sdl: choose one'),
      expect.stringContaining('subgraphs.users.routing_url: "not a url" is not a valid URL'),
      expect.stringContaining('subgraphs.orders.routing_url: is required'),
    ]);
  });

  it('when the yaml is malformed, then the error gives file:line:column', () => {
    // Act
    const issues = issuesOf(() => parse('subgraphs:\n  users: [1,\n  orders: 2\n', { sourceName: 'supergraph.yaml' }));

    // Assert
    expect(issues[0]).toMatch(/^supergraph\.yaml:\d+:\d+: malformed YAML: /);
  });
});

describe('expandEnv', () => {
  it('when a value is set to the empty string and has no default, then it expands to empty and is not missing', () => {
    // Arrange
    const missing: string[] = [];

    // Act
    const out = expandEnv('a${env.EMPTY}b', { EMPTY: '' }, missing);

    // Assert
    expect(out).toBe('ab');
    expect(missing).toEqual([]);
  });
});

describe('federation version against the installed composition', () => {
  it('when the exact version equals the installed one, or the major matches, then there is no mismatch', () => {
    // Act + Assert
    expect(federationVersionMismatch({ kind: 'exact', version: '2.14.4', raw: '=2.14.4' }, '2.14.4')).toBeUndefined();
    expect(parseFederationVersion(2)).toEqual({ kind: 'major', major: 2, raw: '2' });
    expect(federationVersionMismatch({ kind: 'major', major: 2, raw: '2' }, '2.14.4')).toBeUndefined();
  });

  it('when the exact version differs from the installed one, then the message says which is installed and how to fix it', () => {
    // Act
    const message = federationVersionMismatch({ kind: 'exact', version: '2.13.0', raw: '=2.13.0' }, '2.14.4');

    // Assert
    expect(message).toBe(
      'federation_version =2.13.0 needs @apollo/composition 2.13.0, but 2.14.4 is installed: ' +
        'set federation_version: =2.14.4, or run npm install --save-exact @apollo/composition@2.13.0',
    );
  });
});
