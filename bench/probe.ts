/**
 * Where a request's time goes across processes: starts the five subgraphs and one gateway
 * (Frontdoor with every feature on, or PROBE_ENTRY), runs the profile query at PROBE_CONNECTIONS
 * (16) for PROBE_S (6) s and prints req/s and the CPU each process used per request and per
 * second. A gateway using well under one core per second while clients wait is waiting on
 * something, not computing. Extra Frontdoor env as JSON in PROBE_ENV; PROBE_PROFILE=gateway (or
 * subgraphs) writes a --cpu-prof to PROBE_PROFILE_DIR (/tmp/fd-prof); BENCH_SUBGRAPHS=processes runs
 * one process per subgraph (bench/subgraph-stack.ts).
 *   node --import tsx bench/probe.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { ROOT, buildGateway, cpuTimeMs, freePort, spawnNode, stopAll, waitForGraphQL, type Child } from './processes';
import { startBenchSubgraphs, subgraphMode } from './subgraph-stack';
import { BENCH_IDENTITY_SECRET, frontdoorFeatureEnv } from './features';
import { callerPool, randomCaller } from './tokens';

const PROFILE = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');

function machineIdleMs(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  return ((cpu[3] ?? 0) + (cpu[4] ?? 0)) * 10;
}

/** PROBE_PROFILE=<process name> (a subgraph or `gateway`) writes that process's --cpu-prof to PROBE_PROFILE_DIR (/tmp/fd-prof). */
function profiled(name: string): string[] {
  if (process.env.PROBE_PROFILE !== name) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${process.env.PROBE_PROFILE_DIR ?? '/tmp/fd-prof'}`];
}

async function main(): Promise<void> {
  const children: Child[] = [];
  try {
    await probe(children);
  } finally {
    await stopAll(children);
  }
}

async function probe(children: Child[]): Promise<void> {
  const stack = await startBenchSubgraphs({ latencyMs: 0, mode: subgraphMode(), nodeArgs: profiled });
  children.push(...stack.children);
  const supergraphPath = stack.supergraphPath;
  // Frontdoor compiled as production runs it (processes.ts buildGateway), unless PROBE_ENTRY names another gateway.
  const entry = process.env.PROBE_ENTRY ?? buildGateway();
  const frontdoor = entry === 'gateway/dist/main.js';
  const port = await freePort();
  const extra = JSON.parse(process.env.PROBE_ENV ?? '{}') as Record<string, string>;
  const gw = spawnNode('gateway', entry, {
    ...(frontdoor ? frontdoorFeatureEnv() : { NODE_ENV: 'production' }),
    SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET,
    PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: supergraphPath, SUPERGRAPH_WATCH: 'false', ...extra,
  }, [...profiled('gateway'), ...GATEWAY_NODE_FLAGS, ...(process.env.PROBE_NODE_ARGS ?? '').split(' ').filter(Boolean)]);
  children.push(gw);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(gw, url);
  // Every gateway gets the per-user tokens (the comparison gateways sign the caller they name, bench/identity.ts).
  const callers = await callerPool();
  const run = (seconds: number) =>
    autocannon({
      url,
      connections: Number(process.env.PROBE_CONNECTIONS ?? 16),
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const caller = randomCaller(callers);
            return { ...req, headers: { 'content-type': 'application/json', authorization: caller.authorization }, body: JSON.stringify({ query: PROFILE, variables: { id: caller.id } }) };
          },
        },
      ],
    });
  await run(2);
  const before = children.map((c) => cpuTimeMs(c.proc.pid) ?? 0);
  const selfBefore = process.cpuUsage();
  const idleBefore = machineIdleMs();
  const seconds = Number(process.env.PROBE_S ?? 6);
  const r = await run(seconds);
  const idle = (machineIdleMs() - idleBefore) / seconds;
  const self = process.cpuUsage(selfBefore);
  const n = r.requests.total;
  console.log(`${entry}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non2xx ${r.non2xx}, machine idle ${Math.round(idle)} ms/s (of 2000)`);
  children.forEach((c, i) => {
    const used = (cpuTimeMs(c.proc.pid) ?? 0) - before[i]!;
    console.log(`  ${c.name.padEnd(9)} ${(used / n).toFixed(2)} CPU ms/req  ${Math.round(used / seconds)} CPU ms/s`);
  });
  const selfMs = (self.user + self.system) / 1000;
  console.log(`  ${'load gen'.padEnd(9)} ${(selfMs / n).toFixed(2)} CPU ms/req  ${Math.round(selfMs / seconds)} CPU ms/s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`probe failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
