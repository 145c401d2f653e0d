// `npm run compose` end to end: the real CLI in a child process, real files, and a real subgraph
// on an ephemeral port for `schema.subgraph_url`. The first test is the CI guard that fails when a
// subgraph's SDL changed without `npm run compose`.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/composition');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs scripts/compose.ts from the repo root, as `npm run compose -- <args>` would. Async, so
 * a subgraph served by this test process can answer the child's introspection. */
function runCompose(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/compose.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 25_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A stack trace line, which an expected failure must never print. */
const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

describe('npm run compose', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-compose-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the committed supergraph.graphql is checked, then it is current (run npm run compose if this fails)', async () => {
    // Act
    const result = await runCompose(['--check']);

    // Assert
    expect(result.stderr).toContain('supergraph.graphql is up to date');
    expect(result.code).toBe(0);
  });

  it('when the repo is composed twice into a temp file, then both runs write identical bytes ending in one newline', async () => {
    // Arrange
    const output = path.join(dir, 'supergraph.graphql');

    // Act
    const first = await runCompose(['--output', output]);
    const firstBytes = readFileSync(output);
    unlinkSync(output);
    const second = await runCompose(['--output', output]);
    const secondBytes = readFileSync(output);

    // Assert
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(secondBytes.equals(firstBytes)).toBe(true);
    expect(firstBytes.toString('utf8')).toMatch(/[^\n]\n$/);
  });

  it('when the output differs from what composition produces, then --check exits 1 with the stale message and a diff', async () => {
    // Arrange
    const output = path.join(dir, 'out.graphql');
    const supergraphConfig = path.join(FIXTURES, 'valid/supergraph.yaml');
    await runCompose(['--supergraph-config', supergraphConfig, '--output', output]);
    writeFileSync(output, readFileSync(output, 'utf8').replace('price: Int!', 'price: Float!'));

    // Act
    const result = await runCompose(['--supergraph-config', supergraphConfig, '--output', output, '--check']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${output} is stale: run npm run compose`);
    expect(result.stderr).toMatch(/^-\s+price: Float!/m);
    expect(result.stderr).toMatch(/^\+\s+price: Int!/m);
  });

  it('when subgraphs have incompatible field types, then it exits 1 naming the code and both subgraphs, without a stack trace', async () => {
    // Arrange
    cpSync(path.join(FIXTURES, 'type-mismatch'), dir, { recursive: true });

    // Act
    const result = await runCompose(['--supergraph-config', path.join(dir, 'supergraph.yaml'), '--output', path.join(dir, 'out.graphql')]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error\[FIELD_TYPE_MISMATCH\] catalog, pricing: Type of field "Product\.price"/m);
    expect(result.stderr).toMatch(/^composition failed: 1 error$/m);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('when a schema file has a syntax error, then it exits 1 naming the subgraph, the file and line:column', async () => {
    // Arrange
    cpSync(path.join(FIXTURES, 'valid'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'reviews.graphql'), 'type Review {\n  id: ID!\n  body String\n}\n');

    // Act
    const result = await runCompose(['--supergraph-config', path.join(dir, 'supergraph.yaml'), '--stdout']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error[INVALID_GRAPHQL] reviews: Syntax Error: Expected ":", found Name "String". (at ${path.join(dir, 'reviews.graphql')}:3:8)`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('when a schema file is missing, then one line names the subgraph and the path, and it exits 1', async () => {
    // Arrange
    cpSync(path.join(FIXTURES, 'valid'), dir, { recursive: true });
    unlinkSync(path.join(dir, 'reviews.graphql'));

    // Act
    const result = await runCompose(['--supergraph-config', path.join(dir, 'supergraph.yaml'), '--stdout']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: subgraph reviews: schema file ${path.join(dir, 'reviews.graphql')} does not exist`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('when supergraph.yaml references an unset variable, then it exits 1 naming the variable', async () => {
    // Arrange
    const config = path.join(dir, 'supergraph.yaml');
    writeFileSync(config, 'subgraphs:\n  users:\n    routing_url: ${env.FRONTDOOR_TEST_UNSET_URL}\n    schema: { file: ./users.graphql }\n');

    // Act
    const result = await runCompose(['--supergraph-config', config, '--stdout']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('environment variable FRONTDOOR_TEST_UNSET_URL is not set');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('when composition hints and fail_on_hints is set in --config, then hints print as warnings and fail only when it is true', async () => {
    // Arrange: two inline-SDL subgraphs that compose with an INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE hint.
    const link = '@link(url: \\"https://specs.apollo.dev/federation/v2.9\\", import: [\\"@shareable\\"])';
    const subgraph = (name: string, type: string) =>
      `  ${name}:\n    routing_url: http://${name}.test/graphql\n    schema:\n      sdl: "extend schema ${link} type Query { me: Profile @shareable } type Profile @shareable { name: ${type} }"\n`;
    writeFileSync(path.join(dir, 'supergraph.yaml'), `federation_version: 2\nsubgraphs:\n${subgraph('users', 'String')}${subgraph('orders', 'String!')}`);
    const roverConfig = (failOnHints: boolean) => {
      const file = path.join(dir, `rover-${failOnHints}.yaml`);
      writeFileSync(file, `supergraph_config: ./supergraph.yaml\noutput: ./out.graphql\nfail_on_hints: ${failOnHints}\n`);
      return file;
    };

    // Act
    const strict = await runCompose(['--config', roverConfig(true)]);
    const writtenAfterStrict = readdirSync(dir).includes('out.graphql');
    const lenient = await runCompose(['--config', roverConfig(false)]);

    // Assert
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^warning\[INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE\]: Type of field "Profile\.name"/m);
    expect(strict.stderr).toContain('composition failed: 0 errors, 1 warning (fail_on_hints is on)');
    expect(writtenAfterStrict).toBe(false);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/^warning\[INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE\]/m);
    expect(readFileSync(path.join(dir, 'out.graphql'), 'utf8')).toContain('USERS @join__graph(name: "users", url: "http://users.test/graphql")');
  });

  describe('schema.subgraph_url', () => {
    let server: ApolloServer;
    let subgraphUrl: string;
    const seenHeaders: string[] = [];

    beforeAll(async () => {
      server = new ApolloServer({
        schema: buildSubgraphSchema({
          typeDefs: parse(`
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
            type Product @key(fields: "upc") {
              upc: ID!
              inStock: Boolean!
            }
          `),
          resolvers: { Product: { inStock: () => true } },
        }),
        plugins: [ApolloServerPluginInlineTraceDisabled()],
      });
      const { url } = await startStandaloneServer(server, {
        listen: { port: 0, host: '127.0.0.1' },
        context: async ({ req }) => {
          seenHeaders.push(String(req.headers['x-introspection-token']));
          return {};
        },
      });
      subgraphUrl = url;
    });
    afterAll(() => server.stop());

    it('when a subgraph is given by subgraph_url, then it is introspected with the configured headers and composed', async () => {
      // Arrange
      cpSync(path.join(FIXTURES, 'valid'), dir, { recursive: true });
      const config = path.join(dir, 'supergraph.yaml');
      writeFileSync(
        config,
        `${readFileSync(config, 'utf8')}  inventory:\n    schema:\n      subgraph_url: \${env.INVENTORY_URL}\n      introspection_headers:\n        x-introspection-token: \${env.INVENTORY_TOKEN:-dev-token}\n`,
      );

      // Act
      const result = await runCompose(['--supergraph-config', config, '--stdout'], { INVENTORY_URL: subgraphUrl });

      // Assert
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`INVENTORY @join__graph(name: "inventory", url: "${subgraphUrl}")`);
      expect(result.stdout).toMatch(/inStock: Boolean! @join__field\(graph: INVENTORY\)/);
      expect(seenHeaders).toContain('dev-token');
    });

    it('when subgraph_url does not answer, then one line names the subgraph and the url, and it exits 1', async () => {
      // Arrange
      const closedUrl = `http://127.0.0.1:${await closedPort()}/graphql`;
      const config = path.join(dir, 'supergraph.yaml');
      writeFileSync(config, `federation_version: 2\nsubgraphs:\n  inventory:\n    schema:\n      subgraph_url: ${closedUrl}\n`);

      // Act
      const result = await runCompose(['--supergraph-config', config, '--stdout']);

      // Assert
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: subgraph inventory: could not introspect ${escape(closedUrl)}: .*ECONNREFUSED`, 'm'));
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  });
});

/** A port that nothing listens on: bind an ephemeral one, then release it. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
