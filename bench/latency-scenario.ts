/**
 * Scenario 1: what a client waits for. Every subgraph answers after 50 ms; a client without a
 * gateway makes five sequential calls (one per subgraph, each carrying the caller's signed identity
 * so it gets the same real data the gateway's calls get), versus one profile query through
 * Frontdoor. The two cases are interleaved so load noise hits both. Every answer is checked: no
 * errors, no null part, the caller's own user, and the five direct answers must agree with
 * Frontdoor's profile of the same caller.
 */
import { performance } from 'node:perf_hooks';
import { MAX_BAD_PCT, badTotal, noBadAnswers, nullPaths, postGraphQL, type BadAnswers } from './answers';
import { BENCH_IDENTITY_SECRET } from './features';
import { FRONTDOOR, startGateway } from './gateways';
import { subgraphHeadersFor } from './identity';
import { PROFILE_QUERY } from './queries';
import type { BenchContext, Row, ScenarioResult } from './scenario';
import { percentile } from './stats';
import { startBenchSubgraphs, subgraphMode } from './subgraph-stack';
import { randomCaller } from './tokens';

const LATENCY_MS = 50;

function entities(fields: string): string {
  return `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { ${fields} } } }`;
}

/** What a client without a gateway sends: one call per subgraph, each answering its slice of the profile. */
const DIRECT_CALLS: ReadonlyArray<{ subgraph: string; query: string; slice: (data: Record<string, unknown>) => Record<string, unknown> }> = [
  { subgraph: 'users', query: 'query($id: ID!) { user(id: $id) { id name email } }', slice: (d) => d.user as Record<string, unknown> },
  { subgraph: 'orders', query: entities('orders(first: 5) { id total status }'), slice: firstEntity },
  { subgraph: 'payments', query: entities('payments(first: 5) { id amount status } paymentMethods { id brand last4 }'), slice: firstEntity },
  { subgraph: 'wishlist', query: entities('wishlist { count }'), slice: firstEntity },
  { subgraph: 'reviews', query: entities('reviewStats { count averageRating }'), slice: firstEntity },
];

function firstEntity(data: Record<string, unknown>): Record<string, unknown> {
  return ((data._entities as unknown[] | undefined)?.[0] ?? null) as Record<string, unknown>;
}

/** Frontdoor's profile without what the direct calls do not ask for (each order's payment, fetched by the gateway). */
function withoutOrderPayments(user: Record<string, unknown>): Record<string, unknown> {
  const orders = (user.orders as Array<Record<string, unknown>>).map(({ payment: _payment, ...order }) => order);
  return { ...user, orders };
}

export async function latencyScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const stack = await startBenchSubgraphs({ latencyMs: LATENCY_MS, mode: subgraphMode(), compiled: true });
  ctx.track(stack.children);
  const frontdoor = await startGateway(FRONTDOOR, ctx.entries, stack, ctx.track);
  const direct: number[] = [];
  const gateway: number[] = [];
  const directBad = noBadAnswers();
  const gatewayBad = noBadAnswers();
  const samples = ctx.knobs.latencySamples;
  for (let i = 0; i < samples + 3; i += 1) {
    const caller = randomCaller(ctx.callers);
    const warm = i < 3;
    let t = performance.now();
    const identity = subgraphHeadersFor(caller.authorization, BENCH_IDENTITY_SECRET);
    const slices: Record<string, unknown> = {};
    let directGood = true;
    for (const call of DIRECT_CALLS) {
      const { status, body } = await postGraphQL(stack.subgraphUrls[call.subgraph]!, call.query, { id: caller.id, reps: [{ __typename: 'User', id: caller.id }] }, identity);
      if (warm) continue;
      if (goodAnswer(status, body, directBad)) Object.assign(slices, call.slice(body.data as Record<string, unknown>));
      else directGood = false;
    }
    if (!warm) direct.push(performance.now() - t);
    t = performance.now();
    const { status, body } = await postGraphQL(frontdoor.url, PROFILE_QUERY, { id: caller.id }, { authorization: caller.authorization });
    if (warm) continue;
    gateway.push(performance.now() - t);
    if (!goodAnswer(status, body, gatewayBad)) continue;
    const user = (body.data as { user: Record<string, unknown> }).user;
    if (user.id !== caller.id) gatewayBad.wrongData += 1;
    // Both sides looked right on their own; they must also agree (the direct answers count as wrong otherwise).
    else if (directGood && JSON.stringify(withoutOrderPayments(user)) !== JSON.stringify(slices)) directBad.wrongData += 1;
  }
  await ctx.release([...stack.children, frontdoor.child]);
  direct.sort((a, b) => a - b);
  gateway.sort((a, b) => a - b);
  const scenario = `1: ${LATENCY_MS} ms/subgraph`;
  const rowOf = (target: string, ms: number[], answers: number, bad: BadAnswers): Row => {
    const badPct = (100 * badTotal(bad)) / Math.max(1, answers);
    return { scenario, target, p50: percentile(ms, 50), p99: percentile(ms, 99), answers, bad, valid: badPct <= MAX_BAD_PCT, worstRoundBadPct: badPct };
  };
  return {
    conditions: [`scenario 1: ${samples} sequential samples (after 3 unmeasured), a random caller each; subgraphs answer after ${LATENCY_MS} ms; every answer checked`],
    rows: [
      rowOf('client: 5 sequential subgraph calls (signed identity)', direct, direct.length * DIRECT_CALLS.length, directBad),
      rowOf('client: 1 profile query via Frontdoor', gateway, gateway.length, gatewayBad),
    ],
    lines: [],
  };
}

/** True when the answer is good (200, no errors, no null part); else counts it into `bad`. */
function goodAnswer(status: number, body: { data?: unknown; errors?: unknown[] }, bad: BadAnswers): boolean {
  if (status !== 200) bad.non200 += 1;
  else if (body.errors) bad.errors += 1;
  else if (body.data == null || nullPaths(body.data).length > 0) bad.wrongData += 1;
  else return true;
  return false;
}
