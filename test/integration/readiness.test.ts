import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { freePort } from '../helpers/ports';
import { postGraphQL } from '../helpers/stack';
import { seedUser } from '../../subgraphs/shared/seed';

const ROOT = path.resolve(__dirname, '../..');

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('readiness while the supergraph is missing', () => {
  let users: SubgraphHandle;
  let child: ChildProcess;
  let dir: string;
  beforeAll(async () => {
    users = await startSubgraph(createSubgraph('users'), { logLevel: 'silent' });
    dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-ready-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await users?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the gateway starts before its supergraph exists, then it is alive but not ready, and ready once the file appears', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', REDIS_URL: '', SUPERGRAPH_PATH: supergraphPath, SUBGRAPH_URL_USERS: users.url },
      stdio: 'ignore',
    });

    await until(async () => ((await fetch(`${base}/health`)).ok ? true : undefined), '/health');
    const notReady = await fetch(`${base}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'not ready', checks: { supergraph: 'not loaded', lifecycle: 'starting' } });
    const refused = await postGraphQL(`${base}/graphql`, { query: '{ user(id: "1") { id } }' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('SCHEMA_NOT_READY');

    copyFileSync(path.join(ROOT, 'supergraph.graphql'), supergraphPath);
    await until(async () => ((await fetch(`${base}/ready`)).status === 200 ? true : undefined), '/ready to turn 200');
    const served = await postGraphQL(`${base}/graphql`, { query: '{ user(id: "1") { id name } }' });
    expect(served.status).toBe(200);
    expect(served.body.data).toEqual({ user: { id: '1', name: seedUser('1').name } });
  });
});
