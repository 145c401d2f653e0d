import { spawn } from 'node:child_process';
import path from 'node:path';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph } from '../../subgraphs/shared/server';
import { freePort } from '../helpers/ports';
import { postGraphQL, startStack } from '../helpers/stack';

describe('gateway shutdown', () => {
  it('when stop() is called with a request in flight, then the request completes and stop() is safe to call twice', async () => {
    const stack = await startStack({ subgraphs: ['users'], latencyMs: 400 });
    try {
      const inFlight = stack.query('{ user(id: "7") { id } }');
      await new Promise((r) => setTimeout(r, 100));

      const first = stack.gateway.stop();
      const second = stack.gateway.stop();
      const res = await inFlight;
      await Promise.all([first, second]);

      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ user: { id: '7' } });
      await expect(fetch(stack.gatewayUrl.replace('/graphql', '/health'))).rejects.toThrow();
    } finally {
      await stack.stop();
    }
  });
});

describe('gateway process on SIGTERM', () => {
  it('when SIGTERM arrives during a slow request, then the request completes and the process exits 0', async () => {
    const users = await startSubgraph(createSubgraph('users'), { logLevel: 'silent', latencyMs: 1500 });
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', REDIS_URL: '', SUBGRAPH_URL_USERS: users.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    try {
      const url = `http://127.0.0.1:${port}/graphql`;
      for (let i = 0; i < 300 && !stdout.includes('gateway ready'); i += 1) await new Promise((r) => setTimeout(r, 100));

      const slow = postGraphQL(url, { query: '{ user(id: "9") { id } }' });
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');

      const res = await slow;
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ user: { id: '9' } });
      expect(await exited).toBe(0);
      expect(stdout).toContain('gateway stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await users.stop();
    }
  });
});
