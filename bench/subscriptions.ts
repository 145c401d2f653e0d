/**
 * Subscription benchmark: BENCH_SUBS (2000) WebSocket subscriptions on one gateway process
 * (compiled, production settings), BENCH_SUB_CONNECTIONS (400) graphql-ws connections of as many
 * distinct callers, and a steady publish rate of BENCH_SUB_RATE (5) reviews per second straight into
 * the reviews subgraph for BENCH_SUB_SECONDS (20) s. BENCH_SUB_CALLERS (= connections) sets how many
 * distinct users hold them (fewer: several tabs of one user, which share each event's enrichment). Each review's body carries its publish time and
 * sequence number, so every client measures delivery latency (publish → client) and counts gaps.
 * BENCH_SUB_QUERY=enriched adds `author { name }` (one users entity fetch per event and caller).
 *
 * BENCH_SUB_GATEWAYS (`frontdoor,hive-gateway`) picks the gateways, measured one after the other
 * (Frontdoor first) with the same subscriptions, clients, publish rate and subgraphs process, each
 * started alone with GATEWAY_NODE_FLAGS: Frontdoor with every feature on (bench/features.ts), Hive
 * Gateway as bench/hive-subscriptions-gateway.ts sets it up.
 * Prints per gateway: delivered/expected, lost events, latency p50/p99, gateway CPU per delivered
 * event, RSS per open subscription; then the frontdoor/hive-gateway CPU-per-event ratio.
 *   npm run bench:subscriptions
 * The clients run in this process, on the same two cores as the gateway and subgraphs.
 */
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { BENCH_JWT_SECRET, BENCH_IDENTITY_SECRET, frontdoorFeatureEnv } from './features';
import { startGateway, type GatewaySpec } from './gateways';
import { buildBench, stopAll, type BenchEntries, type Child } from './processes';
import { startBenchSubgraphs, type BenchSubgraphs } from './subgraph-stack';
import { runSubscriptionLoad, type SubscriptionLoadOptions } from './subscription-load';
import { formatSubscriptionReport, type SubscriptionRun } from './subscription-report';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_SUB_CONNECTIONS ?? 400);
/** Distinct users (tokens) over the connections; fewer users than connections = several tabs each. */
const CALLERS = Number(process.env.BENCH_SUB_CALLERS ?? CONNECTIONS);
const RATE = Number(process.env.BENCH_SUB_RATE ?? 5);
const SECONDS = Number(process.env.BENCH_SUB_SECONDS ?? 20);
const ENRICHED = process.env.BENCH_SUB_QUERY === 'enriched';
const QUERY = `subscription { reviewAdded(productSku: "SKU-007") { id body rating${ENRICHED ? ' author { name }' : ''} } }`;
const GATEWAYS = (process.env.BENCH_SUB_GATEWAYS ?? 'frontdoor,hive-gateway').split(',').map((s) => s.trim()).filter(Boolean);

const SPECS: readonly GatewaySpec[] = [
  {
    key: 'frontdoor',
    label: 'Frontdoor (all features)',
    entry: (e) => e.frontdoor,
    env: {
      ...frontdoorFeatureEnv(),
      LOG_LEVEL: 'warn',
      // The caps let this benchmark's own load through (a per-caller cap of one tab's worth would refuse it).
      SUBSCRIPTIONS_MAX_PER_CONNECTION: String(Math.ceil(SUBSCRIPTIONS / CONNECTIONS)),
      SUBSCRIPTIONS_MAX_PER_CALLER: String(Math.ceil(SUBSCRIPTIONS / CALLERS)),
    },
    nodeArgs: GATEWAY_NODE_FLAGS,
  },
  {
    key: 'hive-gateway',
    label: '@graphql-hive/gateway (graphql-ws in, WebSocket transport to subgraphs)',
    entry: (e) => e.hiveSubscriptionsGateway,
    env: { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET },
    nodeArgs: GATEWAY_NODE_FLAGS,
  },
];

async function main(): Promise<void> {
  const unknown = GATEWAYS.filter((key) => !SPECS.some((s) => s.key === key));
  if (unknown.length > 0) throw new Error(`BENCH_SUB_GATEWAYS: unknown ${unknown.join(', ')}; known: ${SPECS.map((s) => s.key).join(', ')}`);
  const selected = SPECS.filter((s) => GATEWAYS.includes(s.key));
  const children: Child[] = [];
  const runs: SubscriptionRun[] = [];
  try {
    const entries = buildBench();
    const stack = await startBenchSubgraphs({ latencyMs: 0 });
    children.push(...stack.children);
    const load: SubscriptionLoadOptions = {
      subscriptions: SUBSCRIPTIONS,
      connections: CONNECTIONS,
      callers: CALLERS,
      ratePerSecond: RATE,
      seconds: SECONDS,
      query: QUERY,
      withAuthor: ENRICHED,
      jwtSecret: BENCH_JWT_SECRET,
      reviewsUrl: stack.subgraphUrls.reviews ?? '',
      subgraphPid: stack.children[0]?.proc.pid,
    };
    for (const spec of selected) {
      process.stderr.write(`measuring ${spec.label}\n`);
      runs.push(await measureOne(spec, entries, stack, load, children));
      // The stopped gateway's upstream subscriptions end in the subgraphs before the next one starts.
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await stopAll(children);
  }
  process.stdout.write(
    formatSubscriptionReport(
      {
        subscriptions: SUBSCRIPTIONS,
        connections: CONNECTIONS,
        callers: CALLERS,
        selection: ENRICHED ? 'review + author name (users entity fetch per event)' : 'review fields (primary fetch only)',
        ratePerSecond: RATE,
        seconds: SECONDS,
      },
      runs,
    ),
  );
}

/** One gateway, started alone and stopped after its measurement; a failure becomes its one-line reason. */
async function measureOne(
  spec: GatewaySpec,
  entries: BenchEntries,
  stack: BenchSubgraphs,
  load: SubscriptionLoadOptions,
  children: Child[],
): Promise<SubscriptionRun> {
  const mine: Child[] = [];
  try {
    const gateway = await startGateway(spec, entries, stack, (c) => {
      mine.push(...c);
      children.push(...c);
    });
    const measured = await runSubscriptionLoad(gateway.url, gateway.child.proc.pid, load);
    return { key: spec.key, label: spec.label, outcome: { measured } };
  } catch (err) {
    // A process that died says why on its last stderr line (startGateway puts the tail after the first line).
    const lines = (err instanceof Error ? err.message : String(err)).split('\n').filter(Boolean);
    const reason = lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : (lines[0] ?? 'unknown');
    return { key: spec.key, label: spec.label, outcome: { failed: reason } };
  } finally {
    await stopAll(mine);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
