/**
 * The REST row of the benchmark: `GET /api/users/{id}/profile` next to `POST /graphql` Profile on
 * the same Frontdoor process (every feature on, bench/features.ts). A route call runs the same
 * pipeline plus reading the path and re-serialising the picked object and its ETag, so it should
 * cost at most ~5 % more gateway CPU per request. Not a test: it prints numbers.
 *
 *   npm run bench:rest          # standalone: builds the gateway, starts subgraphs and one Frontdoor
 *
 * bench/run.ts adds the routes to its Frontdoor (REST_BENCH_ENV) and calls restScenario().
 * Knobs (env): BENCH_SUBGRAPHS, BENCH_WARMUP_S (6), BENCH_ROUNDS (5), BENCH_DURATION_S (7), BENCH_CONNECTIONS (16).
 */
import path from 'node:path';
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { frontdoorFeatureEnv, frontdoorRequestHeaders } from './features';
import { ROOT, buildGateway, cpuTimeMs, freePort, spawnNode, stopAll, waitForGraphQL, type Child } from './processes';
import { SEED_USERS, startBenchSubgraphs, subgraphMode } from './subgraph-stack';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 7);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const PROFILE = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');

/** What Frontdoor needs to serve the routes: the table `npm start` ships. */
export const REST_BENCH_ENV: Readonly<Record<string, string>> = { CONFIG_FILE: path.join(ROOT, 'gateway/dev-config.yaml') };

/** A Frontdoor process started with REST_BENCH_ENV. */
export interface RestBenchGateway {
  /** Its /graphql URL. */
  url: string;
  headers: Record<string, string>;
  pid: number | undefined;
}

export interface RestRow {
  scenario: string;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number | undefined;
  /** CPU ms per request of each measured round, in round order. */
  cpuPerRound: number[];
  note?: string;
}

const randomId = (): string => String(1 + Math.floor(Math.random() * SEED_USERS));

interface Load {
  label: string;
  run(durationS: number): ReturnType<typeof autocannon>;
}

function loads(g: RestBenchGateway): Load[] {
  const base = new URL(g.url);
  return [
    {
      label: 'POST /graphql Profile',
      run: (durationS) =>
        autocannon({
          url: g.url,
          connections: CONNECTIONS,
          duration: durationS,
          requests: [{ method: 'POST', headers: { 'content-type': 'application/json', ...g.headers }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: PROFILE, variables: { id: randomId() } }) }) }],
        }),
    },
    {
      label: 'GET /api/users/{id}/profile',
      run: (durationS) =>
        autocannon({
          url: base.origin,
          connections: CONNECTIONS,
          duration: durationS,
          requests: [{ method: 'GET', headers: g.headers, setupRequest: (req) => ({ ...req, path: `/api/users/${randomId()}/profile` }) }],
        }),
    },
  ];
}

/** Both doors must give the same user, or comparing their cost means nothing. */
async function checkSameAnswer(g: RestBenchGateway): Promise<void> {
  for (const id of ['1', '500']) {
    const graphql = (await (await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', ...g.headers }, body: JSON.stringify({ query: PROFILE, variables: { id } }) })).json()) as { data?: { user?: unknown }; errors?: unknown };
    const rest = await fetch(new URL(`/api/users/${id}/profile`, g.url), { headers: g.headers });
    const body = (await rest.json()) as unknown;
    if (graphql.errors || rest.status !== 200 || JSON.stringify(body) !== JSON.stringify(graphql.data?.user)) {
      throw new Error(`GET /api/users/${id}/profile (${rest.status}) differs from POST /graphql Profile: ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Warm-up, then alternating rounds on one process; medians, and the gateway's CPU per request. */
export async function restScenario(g: RestBenchGateway): Promise<RestRow[]> {
  await checkSameAnswer(g);
  const targets = loads(g);
  for (const t of targets) await t.run(WARMUP_S);
  const samples = targets.map(() => ({ rps: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[], bad: 0 }));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let k = 0; k < targets.length; k += 1) {
      // Alternate which door goes first, so neither always meets a warmer or busier machine.
      const i = (k + round) % targets.length;
      const before = cpuTimeMs(g.pid);
      const r = await targets[i]!.run(DURATION_S);
      const after = cpuTimeMs(g.pid);
      const s = samples[i]!;
      if (before !== undefined && after !== undefined && r.requests.total > 0) s.cpu.push((after - before) / r.requests.total);
      s.rps.push(r.requests.average);
      s.p50.push(r.latency.p50);
      s.p99.push(r.latency.p99);
      s.bad += r.non2xx + r.errors + r.timeouts;
      process.stderr.write(`  round ${round + 1}/${ROUNDS} ${targets[i]!.label}: ${Math.round(r.requests.average)} req/s, ${s.cpu.at(-1)?.toFixed(3) ?? '?'} ms CPU/req\n`);
    }
  }
  return targets.map((t, i) => {
    const s = samples[i]!;
    return {
      scenario: 'REST: profile route',
      target: `Frontdoor ${t.label}`,
      rps: median(s.rps),
      p50: median(s.p50),
      p99: median(s.p99),
      cpuMsPerRequest: s.cpu.length > 0 ? median(s.cpu) : undefined,
      cpuPerRound: s.cpu,
      ...(s.bad > 0 ? { note: `${s.bad} failed` } : {}),
    };
  });
}

/**
 * REST/GraphQL gateway CPU per request: the median of the per-round ratios (both doors measured
 * back to back in each round, so a busy spell on this shared machine hits both), and the ratio of
 * the medians.
 */
export function restCpuRatios(rows: readonly RestRow[]): { pairedMedian: number; ofMedians: number } {
  const [graphql, rest] = rows;
  const perRound = (rest?.cpuPerRound ?? []).map((r, i) => r / (graphql?.cpuPerRound[i] ?? NaN)).filter(Number.isFinite);
  return { pairedMedian: median(perRound), ofMedians: (rest?.cpuMsPerRequest ?? NaN) / (graphql?.cpuMsPerRequest ?? NaN) };
}

async function main(): Promise<void> {
  const children: Child[] = [];
  try {
    const entry = buildGateway();
    const subgraphs = await startBenchSubgraphs({ latencyMs: 0, mode: subgraphMode() });
    children.push(...subgraphs.children);
    const port = await freePort();
    const child = spawnNode('Frontdoor', entry, { ...frontdoorFeatureEnv(), ...REST_BENCH_ENV, PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: subgraphs.supergraphPath, SUPERGRAPH_WATCH: 'false' }, GATEWAY_NODE_FLAGS);
    children.push(child);
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitForGraphQL(child, url);
    const rows = await restScenario({ url, headers: await frontdoorRequestHeaders(), pid: child.proc.pid });
    const fmt = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(d));
    const lines = [
      '',
      `REST vs GraphQL on one Frontdoor process: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds × ${DURATION_S} s, medians; user id random in 1..${SEED_USERS}`,
      '',
      '| Scenario | Target | req/s | p50 ms | p99 ms | CPU ms/req | Note |',
      '|---|---|---:|---:|---:|---:|---|',
      ...rows.map((r) => `| ${r.scenario} | ${r.target} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.cpuMsPerRequest, 3)} | ${r.note ?? ''} |`),
      '',
      `REST/GraphQL gateway CPU per request: ${fmt(restCpuRatios(rows).pairedMedian, 3)} (median of per-round ratios; ratio of medians ${fmt(restCpuRatios(rows).ofMedians, 3)}; target ≤ 1.05)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stopAll(children);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:rest failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
