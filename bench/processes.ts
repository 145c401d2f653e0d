import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(__dirname, '..');

export interface Child {
  name: string;
  proc: ChildProcess;
  /** The last lines the process wrote to stderr, for a useful message when it dies. */
  stderrTail: string[];
}

/**
 * Every child gets the parent's environment minus anything that could make it phone home
 * (Apollo GraphOS keys, Hive tokens) or share our Redis by accident, plus telemetry off.
 */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(APOLLO_|HIVE_|GRAPHOS|REDIS_URL$)/.test(k)) env[k] = v;
  }
  return { ...env, APOLLO_TELEMETRY_DISABLED: 'true', ...extra };
}

const NO_SOURCE_MAPS = pathToFileURL(path.join(ROOT, 'bench/no-source-maps.mjs')).href;

/**
 * Starts `entry` as its own node process (`nodeArgs` e.g. --cpu-prof), output discarded except
 * stderr's tail. A `.ts` entry runs through tsx; a `.js` entry (the compiled gateway) runs as is.
 */
export function spawnNode(name: string, entry: string, env: Record<string, string>, nodeArgs: readonly string[] = []): Child {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx', '--import', NO_SOURCE_MAPS] : [];
  const proc = spawn(process.execPath, [...nodeArgs, ...loader, path.join(ROOT, entry)], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const child: Child = { name, proc, stderrTail: [] };
  proc.stderr?.on('data', (chunk: Buffer) => {
    child.stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stderrTail.splice(0, Math.max(0, child.stderrTail.length - 20));
  });
  return child;
}

export async function stopAll(children: readonly Child[]): Promise<void> {
  await Promise.all(
    children.map(
      ({ proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
          proc.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls a GraphQL endpoint until `{ __typename }` answers 200. */
export async function waitForGraphQL(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited:\n${child.stderrTail.join('\n')}`);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer at ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Peak resident set size of a process in MB (Linux VmHWM), or undefined elsewhere. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc), or undefined elsewhere. */
export function cpuTimeMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function tsc(project: string): void {
  const bin = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [bin, '-p', path.join(ROOT, project)], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`build (tsc -p ${project}) failed`);
}

/**
 * Compiles the gateway the way deploy/Dockerfile does (`tsc -p gateway/tsconfig.build.json` →
 * gateway/dist) and returns the entry to run: benchmarks measure the JavaScript production runs,
 * not tsx's on-the-fly transform (whose keep-names helpers wrap every closure we create).
 */
export function buildGateway(): string {
  tsc('gateway/tsconfig.build.json');
  return 'gateway/dist/main.js';
}

/** The compiled entries of every process the benchmark measures (dist/ is gitignored). */
export interface BenchEntries {
  frontdoor: string;
  apolloGateway: string;
  hiveGateway: string;
  /** Hive Gateway serving graphql-ws and subscribing to subgraphs over WebSocket (bench:subscriptions). */
  hiveSubscriptionsGateway: string;
}

/**
 * Compiles Frontdoor AND the comparison gateways and the subgraphs (bench/tsconfig.build.json →
 * bench/dist; bench/subgraph-stack.ts runs them from there when `compiled`), so every measured process runs plain compiled JavaScript under the same node flags:
 * no process pays (or is spared) a loader the others are not.
 */
export function buildBench(): BenchEntries {
  const frontdoor = buildGateway();
  tsc('bench/tsconfig.build.json');
  // The subgraphs read their SDL beside their code (subgraphs/<name>/index.ts), which tsc does not copy.
  for (const name of readdirSync(path.join(ROOT, 'subgraphs'))) {
    const sdl = path.join(ROOT, 'subgraphs', name, 'schema.graphql');
    if (existsSync(sdl)) copyFileSync(sdl, path.join(ROOT, 'bench/dist/subgraphs', name, 'schema.graphql'));
  }
  return {
    frontdoor,
    apolloGateway: 'bench/dist/bench/apollo-gateway.js',
    hiveGateway: 'bench/dist/bench/hive-gateway.js',
    hiveSubscriptionsGateway: 'bench/dist/bench/hive-subscriptions-gateway.js',
  };
}
