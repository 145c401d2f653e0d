/**
 * `npm run bench`: one run, one table. Not a test: it asserts nothing and prints numbers.
 *
 *  1. Latency: a client making five sequential calls (one per subgraph) versus one profile query
 *     through Frontdoor, every subgraph with 50 ms artificial latency.
 *  2. Throughput and latency of the profile query through Frontdoor (every feature on,
 *     bench/features.ts), a vanilla @apollo/gateway + @apollo/server, and Hive Gateway, over the
 *     same supergraph and subgraphs; plus the users subgraph hit directly (the floor).
 *  3. Peak RSS of each gateway process.
 *
 * Every gateway runs in its own process; the five subgraphs share one (bench/subgraph-stack.ts says
 * why; BENCH_SUBGRAPHS=processes gives each its own).
 * Rounds alternate the targets and the table shows medians. The user id varies per request
 * (identical requests get deduplicated and would flatter every gateway).
 * Knobs (env): BENCH_SUBGRAPHS (one-process), BENCH_WARMUP_S (6), BENCH_ROUNDS (5), BENCH_DURATION_S (7), BENCH_CONNECTIONS (16), BENCH_LATENCY_SAMPLES (60).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { BENCH_IDENTITY_SECRET, frontdoorFeatureEnv, frontdoorRequestHeaders } from './features';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { ROOT, buildGateway, cpuTimeMs, freePort, peakRssMb, spawnNode, stopAll, waitForGraphQL, type Child } from './processes';
import { SEED_USERS, startBenchSubgraphs, subgraphMode, type BenchSubgraphs } from './subgraph-stack';

// Five shorter rounds rather than three longer ones: round-to-round noise on a shared 2-core machine
// is ±20 %, and the median of five moves less than the median of three.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 7);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 60);

const PROFILE = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');
const FLOOR_QUERY = 'query User($id: ID!) { user(id: $id) { id name email } }';
/** What a client without a gateway sends: one call per subgraph, each answering its slice of the profile. */
const DIRECT_CALLS: ReadonlyArray<{ subgraph: string; query: string }> = [
  { subgraph: 'users', query: 'query($id: ID!) { user(id: $id) { id name email } }' },
  { subgraph: 'orders', query: entities('orders(first: 5) { id total status }') },
  { subgraph: 'payments', query: entities('payments(first: 5) { id amount status } paymentMethods { id brand last4 }') },
  { subgraph: 'wishlist', query: entities('wishlist { count }') },
  { subgraph: 'reviews', query: entities('reviewStats { count averageRating }') },
];

function entities(fields: string): string {
  return `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { ${fields} } } }`;
}

const randomId = (): string => String(1 + Math.floor(Math.random() * SEED_USERS));

type Stack = BenchSubgraphs;

const startSubgraphs = (latencyMs: number): Promise<Stack> => startBenchSubgraphs({ latencyMs, mode: subgraphMode() });

interface Gateway {
  label: string;
  child: Child;
  url: string;
  headers: Record<string, string>;
}

async function startGateway(label: string, entry: string, stack: Stack, env: Record<string, string>, headers: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<Gateway> {
  const port = await freePort();
  const child = spawnNode(label, entry, { PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: stack.supergraphPath, SUPERGRAPH_WATCH: 'false', ...env }, nodeArgs);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(child, url);
  return { label, child, url, headers };
}

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ data?: unknown; errors?: unknown[] }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: unknown; errors?: unknown[] };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Scenario 1: sequential latency samples, the two cases interleaved so load noise hits both. */
async function latencyScenario(stack: Stack, frontdoor: Gateway): Promise<Row[]> {
  const direct: number[] = [];
  const gateway: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES + 3; i += 1) {
    const id = randomId();
    let t = performance.now();
    for (const call of DIRECT_CALLS) {
      await post(stack.subgraphUrls[call.subgraph]!, call.query, { id, reps: [{ __typename: 'User', id }] });
    }
    if (i >= 3) direct.push(performance.now() - t);
    t = performance.now();
    await post(frontdoor.url, PROFILE, { id }, frontdoor.headers);
    if (i >= 3) gateway.push(performance.now() - t);
  }
  direct.sort((a, b) => a - b);
  gateway.sort((a, b) => a - b);
  return [
    { scenario: '1: 50 ms/subgraph', target: 'client: 5 sequential subgraph calls', p50: percentile(direct, 50), p99: percentile(direct, 99) },
    { scenario: '1: 50 ms/subgraph', target: 'client: 1 profile query via Frontdoor', p50: percentile(gateway, 50), p99: percentile(gateway, 99) },
  ];
}

interface Target {
  label: string;
  url: string;
  query: string;
  headers: Record<string, string>;
  pid: number | undefined;
}

async function load(target: Target, durationS: number): ReturnType<typeof autocannon> {
  return autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: target.query, variables: { id: randomId() } }) }),
      },
    ],
  });
}

interface Row {
  scenario: string;
  target: string;
  rps?: number;
  p50: number;
  p99: number;
  rssMb?: number;
  /** The gateway process's CPU time per request (median over rounds). */
  cpuMsPerRequest?: number;
  note?: string;
}

async function throughputScenario(targets: readonly Target[]): Promise<Row[]> {
  // Warm-up: JIT, plan caches, keep-alive pools. Long enough that no gateway is still speeding up
  // in the measured rounds (with 2 s the vanilla gateway kept gaining ~20% per round).
  for (const t of targets) await load(t, WARMUP_S);
  const samples = new Map<string, { rps: number[]; p50: number[]; p99: number[]; cpu: number[]; bad: number }>();
  for (const t of targets) samples.set(t.label, { rps: [], p50: [], p99: [], cpu: [], bad: 0 });
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotate the order every round so no target always runs first (or last) on a warming machine.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const t of order) {
      const cpuBefore = cpuTimeMs(t.pid);
      const r = await load(t, DURATION_S);
      const cpuAfter = cpuTimeMs(t.pid);
      const s = samples.get(t.label)!;
      // CPU per request is what other processes on a busy machine disturb least.
      if (cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0) s.cpu.push((cpuAfter - cpuBefore) / r.requests.total);
      s.rps.push(r.requests.average);
      s.p50.push(r.latency.p50);
      s.p99.push(r.latency.p99);
      s.bad += r.non2xx + r.errors + r.timeouts;
      process.stderr.write(`  round ${round + 1}/${ROUNDS} ${t.label}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms\n`);
    }
  }
  return targets.map((t) => {
    const s = samples.get(t.label)!;
    const rss = peakRssMb(t.pid);
    return {
      scenario: '2: profile query',
      target: t.label,
      rps: median(s.rps),
      p50: median(s.p50),
      p99: median(s.p99),
      ...(rss !== undefined ? { rssMb: rss } : {}),
      ...(s.cpu.length > 0 ? { cpuMsPerRequest: median(s.cpu) } : {}),
      ...(s.bad > 0 ? { note: `${s.bad} failed` } : {}),
    };
  });
}

/** Every gateway must give the same, complete answer, or its speed means nothing. */
async function checkAnswers(reference: Gateway, others: readonly Gateway[]): Promise<void> {
  for (const id of ['1', '500']) {
    const expected = await post(reference.url, PROFILE, { id }, reference.headers);
    if (expected.errors || !expected.data) throw new Error(`${reference.label} answered with errors: ${JSON.stringify(expected.errors)}`);
    for (const g of others) {
      const got = await post(g.url, PROFILE, { id }, g.headers);
      if (JSON.stringify(got.data) !== JSON.stringify(expected.data) || got.errors) {
        throw new Error(`${g.label} answered differently from ${reference.label} for user ${id}: ${JSON.stringify(got).slice(0, 300)}`);
      }
    }
  }
}

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits);
}

function printTable(rows: readonly Row[], ratios: { apollo: number; hive: number }): void {
  const cpu = cpus();
  const lines = [
    '',
    `Frontdoor benchmark: ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, Node ${process.version}, ${new Date().toISOString()}`,
    `scenario 2: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds × ${DURATION_S} s, medians; user id random in 1..${SEED_USERS}`,
    '',
    '| Scenario | Target | req/s | p50 ms | p99 ms | peak RSS MB | CPU ms/req | Note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.scenario} | ${r.target} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.rssMb ?? ''} | ${fmt(r.cpuMsPerRequest, 2)} | ${r.note ?? ''} |`),
    '',
    `frontdoor/apollo-gateway throughput ratio: ${ratios.apollo.toFixed(2)}`,
    `frontdoor/hive-gateway throughput ratio: ${ratios.hive.toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const all: Child[] = [];
  const cleanup = async () => stopAll(all);
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    // Scenario 1: subgraphs with 50 ms latency, Frontdoor in front.
    process.stderr.write('scenario 1: five sequential calls vs one profile query (50 ms per subgraph)\n');
    const slow = await startSubgraphs(50);
    all.push(...slow.children);
    const frontdoorEntry = buildGateway();
    const slowFrontdoor = await startGateway('Frontdoor', frontdoorEntry, slow, frontdoorFeatureEnv(), await frontdoorRequestHeaders(), GATEWAY_NODE_FLAGS);
    all.push(slowFrontdoor.child);
    const rows = await latencyScenario(slow, slowFrontdoor);
    await stopAll([...slow.children, slowFrontdoor.child]);
    all.length = 0;

    // Scenarios 2 and 3: no artificial latency, the gateways' own cost.
    process.stderr.write('scenario 2: throughput of the profile query\n');
    const fast = await startSubgraphs(0);
    all.push(...fast.children);
    const frontdoor = await startGateway('Frontdoor (all features)', frontdoorEntry, fast, frontdoorFeatureEnv(), await frontdoorRequestHeaders(), GATEWAY_NODE_FLAGS);
    all.push(frontdoor.child);
    const apollo = await startGateway('@apollo/gateway + @apollo/server (vanilla)', 'bench/apollo-gateway.ts', fast, { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET });
    all.push(apollo.child);
    const hive = await startGateway('@graphql-hive/gateway', 'bench/hive-gateway.ts', fast, { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET });
    all.push(hive.child);
    await checkAnswers(frontdoor, [apollo, hive]);

    const targets: Target[] = [
      { label: 'users subgraph direct (floor)', url: fast.subgraphUrls.users!, query: FLOOR_QUERY, headers: {}, pid: undefined },
      ...[frontdoor, apollo, hive].map((g) => ({ label: g.label, url: g.url, query: PROFILE, headers: g.headers, pid: g.child.proc.pid })),
    ];
    const throughput = await throughputScenario(targets);
    rows.push(...throughput);
    const rps = (label: string) => throughput.find((r) => r.target === label)?.rps ?? NaN;
    printTable(rows, { apollo: rps(frontdoor.label) / rps(apollo.label), hive: rps(frontdoor.label) / rps(hive.label) });
    process.stderr.write(`bench finished in ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
