/**
 * `npm run bench`: one run, one report. Not a test: it asserts nothing and prints numbers.
 *
 *  1. Latency (bench/latency-scenario.ts): a client making five sequential calls (one per
 *     subgraph) versus one profile query through Frontdoor, every subgraph with 50 ms latency.
 *     1b (bench/defer-scenario.ts): payments 300 ms slower; the first payload of ProfileDeferred
 *     versus the whole Profile.
 *  2. Throughput, latency, CPU per request and peak RSS (bench/throughput-scenario.ts) of the
 *     profile query through Frontdoor (every feature on, bench/features.ts; in memory and with
 *     Redis), vanilla Apollo Gateway, Apollo Gateway with a pooled undici fetcher (the control),
 *     Hive Gateway and Hive Gateway with its Rust query planner; plus the users subgraph direct.
 *  rest. GET /api/users/{id}/profile next to POST /graphql Profile on one Frontdoor (bench/rest-scenario.ts).
 *
 * Every measured process runs compiled JavaScript (bench/processes.ts buildBench); the gateways get
 * the same node flags (bench/gateways.ts), and every request carries one of 1000 per-user tokens
 * (bench/tokens.ts). Every answer is checked; a target with more than 0.1 % bad answers in a round
 * gets no ratio. A new scenario is one module in bench/ (see bench/scenario.ts) and one line below.
 * Knobs (env): BENCH_ROUNDS (5), BENCH_DURATION_S (6), BENCH_WARMUP_S (5), BENCH_CONNECTIONS (16),
 * BENCH_LATENCY_SAMPLES (60), BENCH_SUBGRAPHS (one-process | processes), BENCH_REDIS_URL (the
 * Redis row's server; default: a redis-server of its own), BENCH_SCENARIOS (e.g. "2"; default all).
 */
import { deferScenario } from './defer-scenario';
import { latencyScenario } from './latency-scenario';
import { buildBench, stopAll, type Child } from './processes';
import { printReport } from './report';
import { knobsFromEnv, type BenchContext, type ScenarioResult } from './scenario';
import { restScenario } from './rest-scenario';
import { throughputScenario } from './throughput-scenario';
import { callerPool } from './tokens';

const SCENARIOS: ReadonlyArray<{ id: string; title: string; run: (ctx: BenchContext) => Promise<ScenarioResult> }> = [
  { id: '1', title: 'five sequential calls vs one profile query (50 ms per subgraph)', run: latencyScenario },
  { id: '1b', title: '@defer: first payload of ProfileDeferred vs the whole Profile (payments 300 ms slower)', run: deferScenario },
  { id: '2', title: 'throughput of the profile query', run: throughputScenario },
  { id: 'rest', title: 'GET /api/users/{id}/profile vs POST /graphql Profile on one Frontdoor', run: restScenario },
];

async function main(): Promise<void> {
  const startedAt = Date.now();
  const running = new Set<Child>();
  const cleanup = async (): Promise<void> => stopAll([...running]);
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  const only = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
  try {
    const entries = buildBench();
    process.stderr.write(`built in ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
    const ctx: BenchContext = {
      knobs: knobsFromEnv(),
      entries,
      callers: await callerPool(),
      track: (children) => children.forEach((c) => running.add(c)),
      release: async (children) => {
        await stopAll(children);
        children.forEach((c) => running.delete(c));
      },
    };
    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) {
      if (only && !only.includes(scenario.id)) continue;
      process.stderr.write(`scenario ${scenario.id}: ${scenario.title}\n`);
      const scenarioStartedAt = Date.now();
      results.push(await scenario.run(ctx));
      process.stderr.write(`scenario ${scenario.id} took ${Math.round((Date.now() - scenarioStartedAt) / 1000)} s\n`);
    }
    printReport(results, (Date.now() - startedAt) / 1000);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
