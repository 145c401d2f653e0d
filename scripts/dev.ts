/**
 * `npm start`: the five subgraphs and the gateway, each in its own process (as in production),
 * on the embedded defaults. Prints the URLs once everything answers; Ctrl-C (or SIGTERM) stops all.
 * `--pretty` turns on human-readable logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPH_NAMES } from '../subgraphs/registry';

const ROOT = path.resolve(__dirname, '..');
const pretty = process.argv.includes('--pretty');
const children: Array<{ name: string; proc: ChildProcess }> = [];
let shuttingDown = false;

function start(name: string, entry: string, env: Record<string, string>, nodeFlags: readonly string[] = []): void {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...(pretty ? { LOG_PRETTY: 'true' } : {}), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only this script, which then stops each child exactly once
    // (a child hit by both the terminal's SIGINT and our SIGTERM would take it as "force quit").
    detached: true,
  });
  children.push({ name, proc });
  proc.on('exit', (code, signal) => {
    if (shuttingDown) return;
    process.stderr.write(`\n${name} exited (${signal ?? code}); stopping everything\n`);
    void shutdown(1);
  });
}

async function waitForGraphQL(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  await Promise.all(
    children.map(
      ({ proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  for (const name of SUBGRAPH_NAMES) start(name, `subgraphs/${name}/main.ts`, {});
  await Promise.all(SUBGRAPH_NAMES.map((n) => waitForGraphQL(`http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[n]}/graphql`, 60_000)));
  // The REST routes (and any other file settings) come from the committed dev config unless CONFIG_FILE says otherwise.
  start('gateway', 'gateway/src/main.ts', { CONFIG_FILE: process.env.CONFIG_FILE ?? path.join(ROOT, 'gateway', 'dev-config.yaml') }, GATEWAY_NODE_FLAGS);
  const port = process.env.PORT ?? '4000';
  await waitForGraphQL(`http://127.0.0.1:${port}/graphql`, 60_000);
  const lines = [
    '',
    'Frontdoor is up:',
    `  gateway   http://localhost:${port}/graphql   (Apollo Sandbox in a browser; health: /health, /ready)`,
    ...SUBGRAPH_NAMES.map((n) => `  ${n.padEnd(9)} http://localhost:${DEFAULT_SUBGRAPH_PORTS[n]}/graphql`),
    '',
    'Try the profile query:  curl -s localhost:4000/graphql -H "content-type: application/json" \\',
    `    --data '{"query":"{ user(id: \\"1\\") { name orders(first: 2) { id total } } }"}'`,
    `REST (gateway/dev-config.yaml):  curl -s localhost:${port}/api/users/1/profile   (OpenAPI: /api/openapi.json, docs: /api/docs)`,
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  void shutdown(1);
});
