/**
 * The memory side of the node flags (issue #13: Frontdoor's peak RSS against vanilla Apollo
 * Gateway's). For each flag set in HEAP_FLAGS (";"-separated, "-" for none) and each gateway in
 * HEAP_GATEWAYS (keys of bench/gateways.ts), starts a FRESH gateway process (peak RSS is per
 * process), warms it up HEAP_WARMUP_S (5) s, loads it HEAP_S (10) s with the per-user tokens at
 * BENCH_CONNECTIONS (16), and prints req/s, CPU ms per request, peak RSS (VmHWM) and RSS after the
 * start. Alternates gateways within each flag set; HEAP_ROUNDS (1) repeats the whole sweep.
 *   node --import tsx bench/heap-probe.ts
 */
import { APOLLO_GATEWAY, FRONTDOOR, HIVE_RUST_PLANNER, startGateway, type GatewaySpec } from './gateways';
import { fetchReferences } from './answers';
import { runLoad } from './load';
import { buildBench, cpuTimeMs, peakRssMb, stopAll, type Child } from './processes';
import { PROFILE_QUERY } from './queries';
import { startBenchSubgraphs, subgraphMode } from './subgraph-stack';
import { callerPool } from './tokens';
import { readFileSync } from 'node:fs';

const SPECS: Record<string, GatewaySpec> = { frontdoor: FRONTDOOR, 'apollo-gateway': APOLLO_GATEWAY, 'hive-rust-planner': HIVE_RUST_PLANNER };

function rssNowMb(pid: number | undefined): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const flagSets = (process.env.HEAP_FLAGS ?? '-;--max-semi-space-size=16;--max-semi-space-size=24;--max-semi-space-size=32').split(';').map((f) => (f.trim() === '-' ? [] : f.trim().split(/\s+/)));
  const keys = (process.env.HEAP_GATEWAYS ?? 'frontdoor,apollo-gateway').split(',');
  const warmupS = Number(process.env.HEAP_WARMUP_S ?? 5);
  const seconds = Number(process.env.HEAP_S ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const entries = buildBench();
  const callers = await callerPool();
  const running: Child[] = [];
  try {
    const stack = await startBenchSubgraphs({ latencyMs: 0, mode: subgraphMode(), compiled: true });
    running.push(...stack.children);
    let expected: Map<string, string> | undefined;
    console.log('| gateway | node flags | req/s | CPU ms/req | RSS after start MB | peak RSS MB | bad answers |');
    console.log('|---|---|---:|---:|---:|---:|---:|');
    for (let round = 0; round < Number(process.env.HEAP_ROUNDS ?? 1); round += 1) {
      for (const flags of flagSets) {
        for (const key of keys) {
          const spec = { ...SPECS[key]!, nodeArgs: flags };
          const g = await startGateway(spec, entries, stack, (c) => running.push(...c));
          const startRss = rssNowMb(g.child.proc.pid);
          if (!expected) expected = new Map([...(await fetchReferences(g.url, PROFILE_QUERY, callers))].map(([id, d]) => [id, JSON.stringify(d)]));
          const target = { label: spec.label, url: g.url, query: PROFILE_QUERY, headersFor: (c: { authorization: string }) => ({ authorization: c.authorization }), expected, pid: g.child.proc.pid };
          await runLoad(target, callers, connections, warmupS);
          const before = cpuTimeMs(g.child.proc.pid) ?? 0;
          const r = await runLoad(target, callers, connections, seconds);
          const cpu = ((cpuTimeMs(g.child.proc.pid) ?? 0) - before) / Math.max(1, r.answers);
          const bad = r.bad.non200 + r.bad.errors + r.bad.wrongData + r.bad.failed;
          console.log(`| ${key} | ${flags.join(' ') || '(none)'} | ${Math.round(r.rps)} | ${cpu.toFixed(2)} | ${startRss ?? ''} | ${peakRssMb(g.child.proc.pid) ?? ''} | ${bad} |`);
          await stopAll([g.child]);
        }
      }
    }
  } finally {
    await stopAll(running);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`heap probe failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
