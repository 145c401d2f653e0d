import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { ReloadOutcome } from '../../gateway/src/supergraph/file-supergraph-manager';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry';
import { startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { seedUser } from '../../subgraphs/shared/seed';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The real subgraphs composed again with `User.email` removed from users: the shape of a real
 * schema change (the subgraph may keep serving the field; the gateway no longer exposes it).
 */
function composeWithoutUserEmail(): string {
  const services = SUBGRAPH_NAMES.map((name) => {
    let sdl = readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
    if (name === 'users') sdl = sdl.replace(/^(\s*"[^"\n]*"\n)?\s*email: String[^\n]*\n/m, '');
    return { name, typeDefs: parse(sdl), url: `http://localhost/${name}` };
  });
  const result = composeServices(services);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

describe('supergraph hot reload', () => {
  let stack: Stack;
  let file: string;
  const outcomes: ReloadOutcome[] = [];

  /** Replaces the file the way `npm run compose` and editors do: write aside, then rename over it. */
  function replaceSupergraph(sdl: string): void {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, sdl);
    renameSync(tmp, file);
  }

  /** The first reload after `since` that changed something or failed. */
  async function nextOutcome(since: number): Promise<ReloadOutcome> {
    for (let i = 0; i < 100; i += 1) {
      const outcome = outcomes.slice(since).find((o) => o.status !== 'unchanged');
      if (outcome) return outcome;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the gateway did not react to the supergraph change within 5 s');
  }

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-reload-'));
    file = path.join(dir, 'supergraph.graphql');
    copyFileSync(path.join(ROOT, 'supergraph.graphql'), file);
    stack = await startStack({
      subgraphs: ['users'],
      env: { SUPERGRAPH_PATH: file, SUPERGRAPH_WATCH: 'true' },
      gatewayDeps: { onSupergraphReload: (o) => outcomes.push(o) },
    });
  });
  afterAll(() => stack?.stop());

  it('when the supergraph file changes, then the new schema is served without a restart or a failed request', async () => {
    const before = await stack.query('{ user(id: "1") { id email } }', {}, await bearer('1'));
    expect(before.body.data).toEqual({ user: { id: '1', email: seedUser('1').email } });

    // Keep requests in flight across the swap: none of them may fail.
    let stopLoad = false;
    const statuses: number[] = [];
    const load = (async () => {
      while (!stopLoad) statuses.push((await stack.query('{ user(id: "3") { id name } }')).status);
    })();
    const mark = outcomes.length;
    replaceSupergraph(composeWithoutUserEmail());
    expect(await nextOutcome(mark)).toMatchObject({ status: 'updated' });
    await new Promise((r) => setTimeout(r, 100));
    stopLoad = true;
    await load;

    const after = await stack.query('{ user(id: "1") { id email } }');
    expect(after.status).toBe(400);
    expect(after.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('when the new file is not a valid supergraph, then it is rejected and the previous schema keeps serving', async () => {
    const mark = outcomes.length;
    replaceSupergraph('this is not a supergraph');
    expect(await nextOutcome(mark)).toMatchObject({ status: 'rejected' });

    const stillNew = await stack.query('{ user(id: "1") { id email } }');
    expect(stillNew.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const res = await stack.query('{ user(id: "1") { id name } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', name: seedUser('1').name } });
  });
});
