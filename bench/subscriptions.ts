/**
 * Subscription benchmark: BENCH_SUBS (2000) WebSocket subscriptions on one Frontdoor process
 * (compiled, production settings), BENCH_SUB_CONNECTIONS (400) graphql-ws connections of as many
 * distinct callers, and a steady publish rate of BENCH_SUB_RATE (5) reviews per second straight into
 * the reviews subgraph for BENCH_SUB_SECONDS (20) s. BENCH_SUB_CALLERS (= connections) sets how many
 * distinct users hold them (fewer: several tabs of one user, which share each event's enrichment). Each review's body carries its publish time and
 * sequence number, so every client measures delivery latency (publish → client) and counts gaps.
 * BENCH_SUB_QUERY=enriched adds `author { name }` (one users entity fetch per event and caller).
 * Prints: latency p50/p99, gateway CPU per delivered event, RSS per open subscription, lost events.
 *   npm run bench:subscriptions
 * The clients run in this process, on the same two cores as the gateway and subgraphs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/shared/identity';
import { BENCH_IDENTITY_SECRET, frontdoorFeatureEnv } from './features';
import { buildGateway, cpuTimeMs, freePort, spawnNode, stopAll, waitForGraphQL, type Child } from './processes';
import { startBenchSubgraphs } from './subgraph-stack';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_SUB_CONNECTIONS ?? 400);
/** Distinct users (tokens) over the connections; fewer users than connections = several tabs each. */
const CALLERS = Number(process.env.BENCH_SUB_CALLERS ?? CONNECTIONS);
const RATE = Number(process.env.BENCH_SUB_RATE ?? 5);
const SECONDS = Number(process.env.BENCH_SUB_SECONDS ?? 20);
const ENRICHED = process.env.BENCH_SUB_QUERY === 'enriched';
const QUERY = `subscription { reviewAdded(productSku: "SKU-007") { id body rating${ENRICHED ? ' author { name }' : ''} } }`;

interface Received {
  seqs: Set<number>;
}

async function main(): Promise<void> {
  const children: Child[] = [];
  const clients: Client[] = [];
  try {
    await run(children, clients);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await stopAll(children);
  }
}

async function run(children: Child[], clients: Client[]): Promise<void> {
  const stack = await startBenchSubgraphs({ latencyMs: 0 });
  children.push(...stack.children);
  const port = await freePort();
  const env = frontdoorFeatureEnv();
  const gateway = spawnNode('gateway', buildGateway(), {
    ...env,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    SUPERGRAPH_PATH: stack.supergraphPath,
    SUPERGRAPH_WATCH: 'false',
    SUBSCRIPTIONS_MAX_PER_CONNECTION: String(Math.ceil(SUBSCRIPTIONS / CONNECTIONS)),
    SUBSCRIPTIONS_MAX_PER_CALLER: String(Math.ceil(SUBSCRIPTIONS / CALLERS)),
  }, GATEWAY_NODE_FLAGS);
  children.push(gateway);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(gateway, url);
  const pid = gateway.proc.pid;
  await new Promise((r) => setTimeout(r, 1000));
  const rssBeforeMb = rssMb(pid);

  // Subscribe: CONNECTIONS callers, each with its own token, SUBSCRIPTIONS in total.
  const latencies: number[] = [];
  const received: Received[] = [];
  let firstSeq = Number.POSITIVE_INFINITY;
  for (let c = 0; c < CONNECTIONS; c += 1) {
    const token = await sign(env.AUTH_JWT_SECRET ?? '', `bench-user-${c % CALLERS}`);
    const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    const count = Math.floor(SUBSCRIPTIONS / CONNECTIONS) + (c < SUBSCRIPTIONS % CONNECTIONS ? 1 : 0);
    for (let i = 0; i < count; i += 1) {
      const mine: Received = { seqs: new Set() };
      received.push(mine);
      client.subscribe<{ reviewAdded: { body: string } }>(
        { query: QUERY },
        {
          next: (result) => {
            const body = result.data?.reviewAdded.body;
            if (!body) return;
            const { seq, t } = JSON.parse(body) as { seq: number; t: number };
            mine.seqs.add(seq);
            if (seq >= firstSeq) latencies.push(Date.now() - t);
          },
          error: (err) => process.stderr.write(`subscription error: ${JSON.stringify(err).slice(0, 200)}\n`),
          complete: () => undefined,
        },
      );
    }
  }
  // Warm-up: publish until every subscription has received something (all are live), then measure.
  let seq = 0;
  const publish = () => addReview(stack.subgraphUrls.reviews ?? '', seq++);
  for (let i = 0; i < 200 && received.some((r) => r.seqs.size === 0); i += 1) {
    await publish();
    await new Promise((r) => setTimeout(r, 250));
  }
  const live = received.filter((r) => r.seqs.size > 0).length;
  if (live < SUBSCRIPTIONS) process.stderr.write(`only ${live}/${SUBSCRIPTIONS} subscriptions became live\n`);
  await new Promise((r) => setTimeout(r, 1000));
  const rssOpenMb = rssMb(pid);

  firstSeq = seq;
  const cpuStart = cpuTimeMs(pid) ?? 0;
  const subgraphPid = stack.children[0]?.proc.pid;
  const subgraphCpuStart = cpuTimeMs(subgraphPid) ?? 0;
  const clientCpuStart = process.cpuUsage();
  const startedAt = Date.now();
  const total = RATE * SECONDS;
  for (let n = 0; n < total; n += 1) {
    const due = startedAt + (n * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    void publish();
  }
  const lastSeq = seq - 1;
  // Let the last events arrive.
  const drainUntil = Date.now() + 10_000;
  while (Date.now() < drainUntil && received.some((r) => !r.seqs.has(lastSeq))) await new Promise((r) => setTimeout(r, 100));
  const cpuMs = (cpuTimeMs(pid) ?? 0) - cpuStart;
  const elapsedMs = Date.now() - startedAt;
  const subgraphCpuMs = (cpuTimeMs(subgraphPid) ?? 0) - subgraphCpuStart;
  const clientCpu = process.cpuUsage(clientCpuStart);
  const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;

  let delivered = 0;
  let lost = 0;
  for (const r of received) {
    for (let s = firstSeq; s <= lastSeq; s += 1) {
      if (r.seqs.has(s)) delivered += 1;
      else lost += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const rows: Array<[string, string]> = [
    ['subscriptions (connections, callers)', `${SUBSCRIPTIONS} (${CONNECTIONS}, ${CALLERS})`],
    ['selection', ENRICHED ? 'review + author name (users entity fetch per event)' : 'review fields (primary fetch only)'],
    ['publish rate', `${RATE}/s for ${SECONDS} s (${total} events)`],
    ['deliveries expected', String(received.length * total)],
    ['delivered', String(delivered)],
    ['lost events', String(lost)],
    ['delivery latency p50', `${pct(50)} ms`],
    ['delivery latency p99', `${pct(99)} ms`],
    ['gateway CPU per delivered event', `${((cpuMs * 1000) / Math.max(1, delivered)).toFixed(1)} µs`],
    ['CPU: gateway / subgraphs / clients', [cpuMs, subgraphCpuMs, clientCpuMs].map((ms) => `${((ms / elapsedMs) * 100).toFixed(0)} %`).join(' / ') + ' of one core'],
    ['gateway RSS before / with subscriptions', `${rssBeforeMb} MB / ${rssOpenMb} MB`],
    ['RSS per open subscription', `${(((rssOpenMb - rssBeforeMb) * 1024) / SUBSCRIPTIONS).toFixed(1)} KB`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\nFrontdoor subscriptions (one gateway process, 2-core machine shared with subgraphs and clients)\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}

async function sign(secret: string, sub: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('frontdoor-dev')
    .setAudience('frontdoor')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/** A review straight into the reviews subgraph, signed as the gateway would sign it. */
async function addReview(reviewsUrl: string, seq: number): Promise<void> {
  const requestId = randomUUID();
  const body = JSON.stringify({ seq, t: Date.now() });
  const res = await fetch(reviewsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, [IDENTITY_HEADER]: signIdentity({ id: '7', scopes: [] }, requestId, BENCH_IDENTITY_SECRET) },
    body: JSON.stringify({ query: 'mutation($b: String!) { addReview(input: { productSku: "SKU-007", rating: 4, body: $b }) { id } }', variables: { b: body } }),
  });
  if (!res.ok) throw new Error(`addReview answered ${res.status}`);
  await res.arrayBuffer();
}

/** Current resident set size of a process in MB (Linux VmRSS). */
function rssMb(pid: number | undefined): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
