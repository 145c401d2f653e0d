import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GatewayHandle } from '../../gateway/src/server';
import { postGraphQL, startExtraGateway, startStack, testRedisUrl, uniqueKeyPrefix, type Stack } from '../helpers/stack';

/** The users SDL without `User.email` (and its description). */
function withoutEmail(sdl: string): string {
  const changed = sdl.replace(/^(\s*"[^"\n]*"\n)?\s*email: [^\n]*\n/m, '');
  if (changed === sdl) throw new Error('users SDL has no User.email to remove');
  return changed;
}

const ROOT = path.resolve(__dirname, '../..');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const USERS_SDL = readFileSync(path.join(ROOT, 'subgraphs/users/schema.graphql'), 'utf8');

interface CliResult {
  code: number;
  out: string;
}

/** Runs one of our CLIs as `npm run <script>` would, from `cwd`. */
function runScript(script: string, args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'scripts', script), ...args],
      { cwd, env: { ...process.env, REDIS_URL: '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, out: stdout + stderr }),
    );
  });
}

/** A copy of the schema-workflow files (configs, subgraph SDLs, supergraph) that a test may change. */
function projectCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-schema-'));
  for (const file of ['rover.config.yaml', 'supergraph.yaml', 'supergraph.graphql']) cpSync(path.join(ROOT, file), path.join(dir, file));
  for (const name of ['users', 'orders', 'payments', 'wishlist', 'reviews']) {
    cpSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), path.join(dir, 'subgraphs', name, 'schema.graphql'));
  }
  return dir;
}

function proposal(dir: string, name: string, sdl: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, sdl);
  return file;
}

/** The orders SDL with `User.id` retyped, which cannot compose with users' `ID!`. */
function withUserIdAsInt(sdl: string): string {
  const changed = sdl.replace(/(type User\b[^{]*\{\s*)id: ID!/, '$1id: Int!');
  if (changed === sdl) throw new Error('orders SDL no longer has a User.id to retype');
  return changed;
}

describe('npm run check', () => {
  let dir: string;
  beforeAll(() => {
    dir = projectCopy();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a field is removed, then the check fails naming it', async () => {
    const res = await runScript('check.ts', ['users', proposal(dir, 'a.graphql', withoutEmail(USERS_SDL))], dir, {});
    expect(res.code).toBe(1);
    expect(res.out).toContain('FIELD_REMOVED User.email was removed.');
  });

  it('when a field type changes incompatibly, then the check fails', async () => {
    const res = await runScript('check.ts', ['users', proposal(dir, 'b.graphql', USERS_SDL.replace(/email: String[^\n]*/, 'email: Int'))], dir, {});
    expect(res.code).toBe(1);
    expect(res.out).toContain('FIELD_CHANGED_KIND User.email');
  });

  it('when the change is additive, then the check passes', async () => {
    const res = await runScript('check.ts', ['users', proposal(dir, 'c.graphql', USERS_SDL.replace(/(email: String[^\n]*)/, '$1\n  nickname: String'))], dir, {});
    expect(res.code).toBe(0);
    expect(res.out).toContain('no breaking or dangerous changes');
  });

  it('when the proposal does not compose, then the composition error names the code and subgraph', async () => {
    const res = await runScript('check.ts', ['orders', proposal(dir, 'd.graphql', withUserIdAsInt(readFileSync(path.join(ROOT, 'subgraphs/orders/schema.graphql'), 'utf8')))], dir, {});
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/error\[FIELD_TYPE_MISMATCH\].*orders/);
  });
});

describe('usage-aware check', () => {
  const keyPrefix = uniqueKeyPrefix();
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    dir = projectCopy();
    stack = await startStack({ subgraphs: ['users'], redis: { keyPrefix }, env: { USAGE_FLUSH_MS: '100' } });
    await stack.query('query ProfileCard { user(id: "1") { id name email } }');
    await stack.query('query ProfileCard { user(id: "2") { id name email } }');
    await stack.gateway.usage?.flush();
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix });

  it('when a breaking change touches a field clients used, then the report says which operations', async () => {
    const res = await runScript('check.ts', ['users', proposal(dir, 'e.graphql', withoutEmail(USERS_SDL))], dir, env());
    expect(res.out).toContain('User.email was removed. — USED by 2 operation(s): ProfileCard');
    const allowed = await runScript('check.ts', ['users', path.join(dir, 'e.graphql'), '--allow-unused-breaking'], dir, env());
    expect(allowed.code).toBe(1);
  });

  it('when a breaking change touches only unused fields, then --allow-unused-breaking lets it pass', async () => {
    const file = proposal(dir, 'f.graphql', USERS_SDL.replace(/^\s*"ISO-8601, UTC."\n\s*createdAt: String!\n/m, '\n'));
    const res = await runScript('check.ts', ['users', file], dir, env());
    expect(res.out).toContain('User.createdAt was removed. — unused in recorded traffic');
    expect(res.code).toBe(1);
    expect((await runScript('check.ts', ['users', file, '--allow-unused-breaking'], dir, env())).code).toBe(0);
  });
});

describe('npm run publish to a fleet', () => {
  const keyPrefix = uniqueKeyPrefix();
  let stack: Stack;
  let second: GatewayHandle;
  let dir: string;
  beforeAll(async () => {
    dir = projectCopy();
    const fleetEnv = { SUPERGRAPH_SOURCE: 'redis', SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql') };
    stack = await startStack({ subgraphs: ['users'], redis: { keyPrefix }, env: fleetEnv });
    second = await startExtraGateway(stack, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix, ...fleetEnv });
  });
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a schema is published, then both instances switch to it without a failed request', async () => {
    const urls = [stack.gatewayUrl, second.url];
    for (const url of urls) expect((await postGraphQL(url, { query: '{ user(id: "1") { createdAt } }' })).status).toBe(200);

    let stop = false;
    const statuses: number[] = [];
    const load = Promise.all(
      urls.map(async (url) => {
        while (!stop) statuses.push((await postGraphQL(url, { query: '{ user(id: "4") { id name } }' })).status);
      }),
    );
    const file = proposal(dir, 'users-next.graphql', USERS_SDL.replace(/^\s*"ISO-8601, UTC."\n\s*createdAt: String!\n/m, '\n'));
    const res = await runScript('publish.ts', ['users', file, '--allow-breaking'], dir, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix });
    expect(res.code).toBe(0);
    expect(res.out).toContain('2 gateway instance(s) notified');

    const switched = async (url: string) => {
      for (let i = 0; i < 50; i += 1) {
        const r = await postGraphQL(url, { query: '{ user(id: "1") { createdAt } }' });
        if (r.body.errors?.[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') return true;
        await new Promise((r2) => setTimeout(r2, 50));
      }
      return false;
    };
    expect(await Promise.all(urls.map(switched))).toEqual([true, true]);
    stop = true;
    await load;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(readFileSync(path.join(dir, 'subgraphs/users/schema.graphql'), 'utf8')).not.toContain('createdAt');
  });

  it('when the check fails, then nothing is published', async () => {
    const broken = proposal(dir, 'broken.graphql', 'type User @key(fields: "id") { id: Int! }');
    const res = await runScript('publish.ts', ['users', broken], dir, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix });
    expect(res.code).toBe(1);
    expect(res.out).toContain('nothing published');
    expect((await postGraphQL(second.url, { query: '{ user(id: "1") { id name } }' })).status).toBe(200);
  });
});
