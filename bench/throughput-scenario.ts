/**
 * Scenario 2 (and 3): throughput, latency, CPU per request and peak RSS of the profile query through
 * each gateway (bench/gateways.ts), plus the users subgraph hit directly (the floor), no artificial
 * latency. Every target first gets an unmeasured warm-up, then measured rounds that rotate the order
 * of the targets; the table shows medians over rounds. Every answer is checked (bench/load.ts) and
 * a target with more than MAX_BAD_PCT bad answers in any round is marked invalid: no ratio over it.
 */
import { MAX_BAD_PCT, addBad, badTotal, expectSameAnswers, fetchReferences, noBadAnswers, type BadAnswers } from './answers';
import { BENCH_IDENTITY_SECRET } from './features';
import { APOLLO_GATEWAY, APOLLO_GATEWAY_UNDICI, FRONTDOOR, FRONTDOOR_V8_DEFAULTS, HIVE_GATEWAY, HIVE_RUST_PLANNER, frontdoorWithRedis, startGateway, type GatewaySpec } from './gateways';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/shared/identity';
import { runLoad, type LoadTarget } from './load';
import { cpuTimeMs, peakRssMb } from './processes';
import { FLOOR_QUERY, PROFILE_QUERY } from './queries';
import { startBenchRedis } from './redis';
import type { BenchContext, Row, ScenarioResult } from './scenario';
import { median } from './stats';
import { startBenchSubgraphs, subgraphMode } from './subgraph-stack';
import { BENCH_SCOPES } from './tokens';

/** Ratios printed under the table: `<a>/<b> throughput ratio`, keys of bench/gateways.ts. */
const RATIOS: ReadonlyArray<readonly [string, string, string?]> = [
  ['frontdoor', 'apollo-gateway'],
  ['frontdoor', 'apollo-gateway-undici', 'the control: how much of the lead is the HTTP client'],
  ['frontdoor', 'hive-gateway'],
  ['frontdoor', 'hive-rust-planner'],
  ['frontdoor-redis', 'frontdoor', 'Redis vs in-memory shared state'],
  ['frontdoor', 'frontdoor-v8-defaults', "what Frontdoor's node flag buys"],
];

interface Samples {
  rps: number[];
  p50: number[];
  p99: number[];
  cpu: number[];
  sidecarCpu: number[];
  answers: number;
  bad: BadAnswers;
  worstBadPct: number;
}

interface Measured extends LoadTarget {
  key: string;
  /** A process the target depends on whose CPU is reported beside it (the Redis row's redis-server). */
  sidecar?: { name: string; pid: number | undefined };
}

export async function throughputScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { knobs } = ctx;
  const stack = await startBenchSubgraphs({ latencyMs: 0, mode: subgraphMode(), compiled: true });
  ctx.track(stack.children);
  const redis = await startBenchRedis();
  if (redis.ok) ctx.track(redis.children);
  const specs: GatewaySpec[] = [FRONTDOOR, ...(redis.ok ? [frontdoorWithRedis(redis.redis)] : []), FRONTDOOR_V8_DEFAULTS, APOLLO_GATEWAY, APOLLO_GATEWAY_UNDICI, HIVE_GATEWAY, HIVE_RUST_PLANNER];
  // Started together: each start is mostly one-off CPU (loading modules, building the schema), and
  // nothing is measured until all of them answer.
  const startedAt = Date.now();
  const gateways = await Promise.all(specs.map((spec) => startGateway(spec, ctx.entries, stack, ctx.track)));
  process.stderr.write(`  ${gateways.length} gateways answering after ${Math.round((Date.now() - startedAt) / 1000)} s\n`);

  // References from Frontdoor (in memory), each checked complete; every other gateway must agree on a sample.
  const refs = await fetchReferences(gateways[0]!.url, PROFILE_QUERY, ctx.callers);
  const sample = ctx.callers.filter((_, i) => i % 97 === 0);
  for (const g of gateways.slice(1)) await expectSameAnswers(g.spec.label, g.url, PROFILE_QUERY, sample, refs);
  process.stderr.write(`  ${refs.size} reference profiles checked, ${sample.length} compared on every gateway, after ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
  const expected = new Map([...refs].map(([id, data]) => [id, JSON.stringify(data)]));
  const floorExpected = new Map([...refs].map(([id, data]) => {
    const { id: uid, name, email } = (data as { user: { id: string; name: string; email: string } }).user;
    return [id, JSON.stringify({ user: { id: uid, name, email } })];
  }));
  // The floor gets what the gateway's first call carries: a signed identity (signed up front, valid
  // for the run, so the load generator does no HMAC per request).
  const floorHeaders = new Map(ctx.callers.map((c) => {
    const requestId = `bench-floor-${c.id}`;
    return [c.id, { 'x-request-id': requestId, [IDENTITY_HEADER]: signIdentity({ id: c.id, scopes: BENCH_SCOPES.split(' ') }, requestId, BENCH_IDENTITY_SECRET, 3 * 3600_000) }];
  }));

  const targets: Measured[] = [
    { key: 'floor', label: 'users subgraph direct (floor)', url: stack.subgraphUrls.users!, query: FLOOR_QUERY, headersFor: (c) => floorHeaders.get(c.id)!, expected: floorExpected, pid: undefined },
    ...gateways.map((g) => ({
      key: g.spec.key,
      label: g.spec.label,
      url: g.url,
      query: PROFILE_QUERY,
      headersFor: (c: { authorization: string }) => ({ authorization: c.authorization }),
      expected,
      pid: g.child.proc.pid,
      ...(g.spec.key === 'frontdoor-redis' && redis.ok && redis.children[0] ? { sidecar: { name: 'redis-server', pid: redis.children[0].proc.pid } } : {}),
    })),
  ];

  // Warm-up: JIT, plan caches, keep-alive pools, verified tokens. With 2 s the vanilla gateway kept
  // gaining ~20 % per round; a few seconds more and no gateway is still speeding up.
  for (const t of targets) await runLoad(t, ctx.callers, knobs.connections, knobs.warmupS);
  const samples = new Map<string, Samples>(targets.map((t) => [t.key, { rps: [], p50: [], p99: [], cpu: [], sidecarCpu: [], answers: 0, bad: noBadAnswers(), worstBadPct: 0 }]));
  for (let round = 0; round < knobs.rounds; round += 1) {
    // Rotate the order every round so no target always runs first (or last) on a warming machine.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const t of order) {
      const cpuBefore = cpuTimeMs(t.pid);
      const sidecarBefore = cpuTimeMs(t.sidecar?.pid);
      const r = await runLoad(t, ctx.callers, knobs.connections, knobs.durationS);
      const s = samples.get(t.key)!;
      const cpuAfter = cpuTimeMs(t.pid);
      const sidecarAfter = cpuTimeMs(t.sidecar?.pid);
      // CPU per request is what other processes on a busy machine disturb least.
      if (cpuBefore !== undefined && cpuAfter !== undefined && r.answers > 0) s.cpu.push((cpuAfter - cpuBefore) / r.answers);
      if (sidecarBefore !== undefined && sidecarAfter !== undefined && r.answers > 0) s.sidecarCpu.push((sidecarAfter - sidecarBefore) / r.answers);
      s.rps.push(r.rps);
      s.p50.push(r.p50);
      s.p99.push(r.p99);
      s.answers += r.answers;
      addBad(s.bad, r.bad);
      const badPct = (100 * badTotal(r.bad)) / Math.max(1, r.answers + r.bad.failed);
      s.worstBadPct = Math.max(s.worstBadPct, r.answers === 0 ? 100 : badPct);
      process.stderr.write(`  round ${round + 1}/${knobs.rounds} ${t.label}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, ${r.answers} answers, ${badTotal(r.bad)} bad\n`);
    }
  }

  const rows: Row[] = targets.map((t) => {
    const s = samples.get(t.key)!;
    const rss = peakRssMb(t.pid);
    const notes = [s.sidecarCpu.length > 0 ? `+ ${t.sidecar!.name} ${median(s.sidecarCpu).toFixed(2)} CPU ms/req` : ''].filter(Boolean);
    return {
      scenario: '2: profile query',
      target: t.label,
      rps: median(s.rps),
      p50: median(s.p50),
      p99: median(s.p99),
      ...(rss !== undefined ? { rssMb: rss } : {}),
      ...(s.cpu.length > 0 ? { cpuMsPerRequest: median(s.cpu) } : {}),
      answers: s.answers,
      bad: s.bad,
      worstRoundBadPct: s.worstBadPct,
      valid: s.worstBadPct <= MAX_BAD_PCT,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    };
  });
  const byKey = new Map(targets.map((t, i) => [t.key, rows[i]!]));
  const lines = RATIOS.map(([a, b, what]) => ratioLine(a, b, what, byKey, redis.ok ? undefined : redis.reason));
  await ctx.release([...stack.children, ...gateways.map((g) => g.child), ...(redis.ok ? redis.children : [])]);
  return {
    conditions: [
      `scenario 2: ${knobs.connections} connections, ${knobs.warmupS} s warm-up per target, ${knobs.rounds} rounds × ${knobs.durationS} s rotating the targets, medians over rounds`,
      `  callers: ${ctx.callers.length} tokens (one per user, scopes "${BENCH_SCOPES}"), each request a random caller asking for its own profile; every answer checked against that caller's reference profile`,
      `  every gateway: compiled JavaScript in its own process, node ${GATEWAY_NODE_FLAGS.join(' ') || '(no flags)'} (except the "V8 default heap" row); subgraphs: ${subgraphMode()}, compiled`,
      '  Frontdoor verifies every token and enforces limits; the other gateways verify nothing (they decode the token to sign the caller identity, once per request like Frontdoor)',
      `  Redis row: ${redis.ok ? redis.origin : `not measured: ${redis.reason}`}`,
      `  valid: at most ${MAX_BAD_PCT} % bad answers (non-200, errors, null or wrong data, no answer) in every round; no ratio over an invalid row`,
    ],
    rows,
    lines,
  };
}

function ratioLine(a: string, b: string, what: string | undefined, rows: ReadonlyMap<string, Row>, redisMissing: string | undefined): string {
  const name = `${a}/${b} throughput ratio:`;
  const suffix = what ? ` (${what})` : '';
  const ra = rows.get(a);
  const rb = rows.get(b);
  if (!ra || !rb) return `${name} not measured${redisMissing ? ` (${redisMissing})` : ''}`;
  const invalid = [ra, rb].filter((r) => !r.valid).map((r) => `${r.target}: ${r.worstRoundBadPct?.toFixed(2)} % bad in a round`);
  if (invalid.length > 0) return `${name} INVALID, not computed (${invalid.join('; ')})`;
  return `${name} ${((ra.rps ?? NaN) / (rb.rps ?? NaN)).toFixed(2)}${suffix}`;
}
