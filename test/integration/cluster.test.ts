import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { createSubgraph } from '../../subgraphs/registry';
import { freePort } from '../helpers/ports';

const ROOT = path.resolve(__dirname, '../..');

/** One request on its own connection, so the kernel can hand it to any worker. */
function postOnNewConnection(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('cluster mode', () => {
  let users: SubgraphHandle;
  let child: ChildProcess;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    users = await startSubgraph(createSubgraph('users'), { logLevel: 'silent' });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await users?.stop();
  });

  it('when CLUSTER_WORKERS=2, then requests are served by more than one worker and SIGTERM stops all of them', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, CLUSTER_WORKERS: '2', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', SUBGRAPH_URL_USERS: users.url, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    // Two workers each load tsx and the gateway: on a busy 2-core machine that took over 20 s. Bounded by the test's timeout, not timed.
    while (lines.filter((l) => l.msg === 'gateway ready').length < 2 && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines.filter((l) => l.msg === 'gateway ready')).toHaveLength(2);

    const body = JSON.stringify({ query: '{ user(id: "1") { id } }' });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => postOnNewConnection(port, body)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Log lines are written in batches (at most a second apart).
    for (let i = 0; i < 30 && new Set(lines.filter((l) => l.msg === 'request completed').map((l) => l.pid)).size < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const servingPids = new Set(lines.filter((l) => l.msg === 'request completed').map((l) => l.pid));
    expect(servingPids.size).toBe(2);

    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
  }, 120_000);
});
