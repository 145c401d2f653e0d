/**
 * The REST scenario: `GET /api/users/{id}/profile` next to `POST /graphql` Profile on ONE Frontdoor
 * process (every feature on, bench/features.ts, plus the route table `npm start` ships). A route call
 * runs the same pipeline, minus reading a request body, plus matching the path and re-serialising the
 * picked object with its ETag, so it should cost at most ~5 % more gateway CPU per request.
 * Both doors are measured back to back in every round (alternating which goes first), so a busy
 * spell on a shared machine hits both; the ratio line is the median of the per-round ratios.
 * Every answer is checked against the caller's own reference profile. Alone: BENCH_SCENARIOS=rest.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import { MAX_BAD_PCT, addBad, badTotal, classify, fetchReferences, noBadAnswers } from './answers';
import { FRONTDOOR, startGateway, type GatewaySpec } from './gateways';
import { runLoad, type LoadResult } from './load';
import { ROOT, cpuTimeMs } from './processes';
import { PROFILE_QUERY } from './queries';
import type { BenchContext, Row, ScenarioResult } from './scenario';
import { median } from './stats';
import { startBenchSubgraphs, subgraphMode } from './subgraph-stack';
import { randomCaller, type Caller } from './tokens';

const FRONTDOOR_REST: GatewaySpec = {
  ...FRONTDOOR,
  key: 'frontdoor-rest',
  label: 'Frontdoor (all features) with REST routes',
  env: { ...FRONTDOOR.env, CONFIG_FILE: path.join(ROOT, 'gateway/dev-config.yaml') },
};

const SCENARIO = 'REST: profile route';

interface Door {
  label: string;
  run(durationS: number): Promise<LoadResult>;
}

/** One load round of GETs on the route, each answer checked against its caller's own profile. */
async function restLoad(origin: string, callers: readonly Caller[], expected: ReadonlyMap<string, string>, connections: number, durationS: number): Promise<LoadResult> {
  const bad = noBadAnswers();
  let answers = 0;
  const r = await autocannon({
    url: origin,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'GET',
        setupRequest: (req, context) => {
          const caller = randomCaller(callers);
          context.callerId = caller.id;
          return { ...req, path: `/api/users/${caller.id}/profile`, headers: { authorization: caller.authorization } };
        },
        onResponse: (status, body, context) => {
          answers += 1;
          // The route answers data.user itself: wrap it so the GraphQL answer check applies unchanged.
          classify(status, status === 200 ? `{"data":${body}}` : body, expected.get(String(context.callerId)), bad);
        },
      },
    ],
  });
  bad.failed += r.errors + r.timeouts;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, answers, bad };
}

export async function restScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { knobs } = ctx;
  const stack = await startBenchSubgraphs({ latencyMs: 0, mode: subgraphMode(), compiled: true });
  ctx.track(stack.children);
  const gateway = await startGateway(FRONTDOOR_REST, ctx.entries, stack, ctx.track);
  const refs = await fetchReferences(gateway.url, PROFILE_QUERY, ctx.callers);
  const graphqlExpected = new Map([...refs].map(([id, data]) => [id, JSON.stringify(data)]));
  // The route answers data.user itself; restLoad wraps each answer as `data` for the same check.
  const restExpected = new Map([...refs].map(([id, data]) => [id, JSON.stringify((data as { user: unknown }).user)]));
  const doors: Door[] = [
    {
      label: 'Frontdoor POST /graphql Profile',
      run: (s) => runLoad({ label: 'graphql', url: gateway.url, query: PROFILE_QUERY, headersFor: (c) => ({ authorization: c.authorization }), expected: graphqlExpected, pid: gateway.child.proc.pid }, ctx.callers, knobs.connections, s),
    },
    { label: 'Frontdoor GET /api/users/{id}/profile', run: (s) => restLoad(new URL(gateway.url).origin, ctx.callers, restExpected, knobs.connections, s) },
  ];
  for (const door of doors) await door.run(knobs.warmupS);

  const samples = doors.map(() => ({ rps: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[], answers: 0, bad: noBadAnswers(), worstBadPct: 0 }));
  const pid = gateway.child.proc.pid;
  for (let round = 0; round < knobs.rounds; round += 1) {
    for (let k = 0; k < doors.length; k += 1) {
      const i = (k + round) % doors.length;
      const before = cpuTimeMs(pid);
      const r = await doors[i]!.run(knobs.durationS);
      const after = cpuTimeMs(pid);
      const s = samples[i]!;
      s.cpu.push(before !== undefined && after !== undefined && r.answers > 0 ? (after - before) / r.answers : NaN);
      s.rps.push(r.rps);
      s.p50.push(r.p50);
      s.p99.push(r.p99);
      s.answers += r.answers;
      addBad(s.bad, r.bad);
      s.worstBadPct = Math.max(s.worstBadPct, r.answers > 0 ? (100 * badTotal(r.bad)) / r.answers : 100);
      process.stderr.write(`  round ${round + 1}/${knobs.rounds} ${doors[i]!.label}: ${Math.round(r.rps)} req/s, ${s.cpu.at(-1)?.toFixed(3)} ms CPU/req\n`);
    }
  }
  await ctx.release([gateway.child, ...stack.children]);

  const rows: Row[] = doors.map((door, i) => {
    const s = samples[i]!;
    return {
      scenario: SCENARIO,
      target: door.label,
      rps: median(s.rps),
      p50: median(s.p50),
      p99: median(s.p99),
      cpuMsPerRequest: median(s.cpu.filter(Number.isFinite)),
      answers: s.answers,
      bad: s.bad,
      worstRoundBadPct: s.worstBadPct,
      valid: s.worstBadPct <= MAX_BAD_PCT,
    };
  });
  const [graphql, rest] = samples;
  const perRound = (rest?.cpu ?? []).map((c, i) => c / (graphql?.cpu[i] ?? NaN)).filter(Number.isFinite);
  const valid = rows.every((r) => r.valid);
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '?');
  return {
    rows,
    conditions: [`REST scenario: one Frontdoor process serving both doors, ${knobs.rounds} rounds × ${knobs.durationS} s each, back to back, ${knobs.connections} connections; CPU of that process per answer`],
    lines: [
      valid
        ? `REST/GraphQL gateway CPU per request: ${fmt(median(perRound))} (median of per-round ratios; ratio of medians ${fmt((rows[1]?.cpuMsPerRequest ?? NaN) / (rows[0]?.cpuMsPerRequest ?? NaN))}; target ≤ 1.05)`
        : 'REST/GraphQL gateway CPU per request: no ratio (a door had too many bad answers)',
    ],
  };
}
