/**
 * One gateway's measurement in the subscription benchmark (bench/subscriptions.ts): graphql-ws
 * clients open the subscriptions, reviews are published straight into the reviews subgraph at a
 * steady rate, and every client counts what it received. The same code measures every gateway, so
 * the clients, the publish rate and the counting are identical; only the URL and the process differ.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/shared/identity';
import { BENCH_IDENTITY_SECRET } from './features';
import { cpuTimeMs } from './processes';

export interface SubscriptionLoadOptions {
  subscriptions: number;
  connections: number;
  /** Distinct users (tokens) over the connections; fewer users than connections = several tabs each. */
  callers: number;
  /** Reviews published per second. */
  ratePerSecond: number;
  seconds: number;
  query: string;
  /** The query selects `author { name }`: an event without it is not a delivery. */
  withAuthor: boolean;
  /** Signs the callers' tokens (Frontdoor verifies them; the comparison gateway only decodes them). */
  jwtSecret: string;
  reviewsUrl: string;
  /** The subgraphs' process, whose CPU is reported beside the gateway's. */
  subgraphPid: number | undefined;
}

export interface SubscriptionMeasurement {
  /** Subscriptions that received at least one warm-up event (all of them, normally). */
  live: number;
  events: number;
  expected: number;
  delivered: number;
  lost: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  gatewayCpuMs: number;
  subgraphCpuMs: number;
  clientCpuMs: number;
  elapsedMs: number;
  rssBeforeMb: number;
  rssOpenMb: number;
  /** Errors the clients received (GraphQL errors or a closed connection), and the first one. */
  errors: number;
  firstError: string | undefined;
}

interface Received {
  seqs: Set<number>;
}

interface ReviewEvent {
  reviewAdded?: { id?: unknown; rating?: unknown; body?: unknown; author?: { name?: unknown } | null } | null;
}

/** Measures the gateway at `url` (process `pid`); throws when not one subscription became live. */
export async function runSubscriptionLoad(url: string, pid: number | undefined, opts: SubscriptionLoadOptions): Promise<SubscriptionMeasurement> {
  const clients: Client[] = [];
  try {
    return await measure(url, pid, opts, clients);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

async function measure(url: string, pid: number | undefined, opts: SubscriptionLoadOptions, clients: Client[]): Promise<SubscriptionMeasurement> {
  const { subscriptions, connections, callers } = opts;
  await new Promise((r) => setTimeout(r, 1000));
  const rssBeforeMb = rssMb(pid);

  // Subscribe: `connections` connections of `callers` users, `subscriptions` in total.
  const latencies: number[] = [];
  const received: Received[] = [];
  const errors: string[] = [];
  let firstSeq = Number.POSITIVE_INFINITY;
  for (let c = 0; c < connections; c += 1) {
    const token = await sign(opts.jwtSecret, `bench-user-${c % callers}`);
    const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    const count = Math.floor(subscriptions / connections) + (c < subscriptions % connections ? 1 : 0);
    for (let i = 0; i < count; i += 1) {
      const mine: Received = { seqs: new Set() };
      received.push(mine);
      client.subscribe<ReviewEvent>(
        { query: opts.query },
        {
          next: (result) => {
            // Only a whole answer counts as delivered: a gateway that drops a field or adds errors
            // must not look as good as one that does the work.
            const review = result.data?.reviewAdded;
            if (!isWhole(review, opts.withAuthor) || result.errors) {
              errors.push(result.errors ? JSON.stringify(result.errors).slice(0, 200) : `incomplete event: ${JSON.stringify(result.data).slice(0, 200)}`);
              return;
            }
            const { seq, t } = JSON.parse(review.body) as { seq: number; t: number };
            mine.seqs.add(seq);
            if (seq >= firstSeq) latencies.push(Date.now() - t);
          },
          error: (err) => errors.push(describe(err)),
          complete: () => undefined,
        },
      );
    }
  }
  // Warm-up: publish until every subscription has received something (all are live), then measure.
  let seq = 0;
  const publish = () => addReview(opts.reviewsUrl, seq++);
  for (let i = 0; i < 200 && received.some((r) => r.seqs.size === 0); i += 1) {
    await publish();
    await new Promise((r) => setTimeout(r, 250));
  }
  const live = received.filter((r) => r.seqs.size > 0).length;
  // Nothing arrived at all: the gateway cannot serve this subscription. Say why, in one line.
  if (live === 0) throw new Error(`no subscription received an event in the warm-up; first error: ${errors[0] ?? 'none reported'}`);
  if (live < subscriptions) process.stderr.write(`only ${live}/${subscriptions} subscriptions became live; first error: ${errors[0] ?? 'none reported'}\n`);
  await new Promise((r) => setTimeout(r, 1000));
  const rssOpenMb = rssMb(pid);

  firstSeq = seq;
  const cpuStart = cpuTimeMs(pid) ?? 0;
  const subgraphCpuStart = cpuTimeMs(opts.subgraphPid) ?? 0;
  const clientCpuStart = process.cpuUsage();
  const startedAt = Date.now();
  const events = opts.ratePerSecond * opts.seconds;
  for (let n = 0; n < events; n += 1) {
    const due = startedAt + (n * 1000) / opts.ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    void publish();
  }
  const lastSeq = seq - 1;
  // Let the last events arrive.
  const drainUntil = Date.now() + 10_000;
  while (Date.now() < drainUntil && received.some((r) => !r.seqs.has(lastSeq))) await new Promise((r) => setTimeout(r, 100));
  const gatewayCpuMs = (cpuTimeMs(pid) ?? 0) - cpuStart;
  const elapsedMs = Date.now() - startedAt;
  const subgraphCpuMs = (cpuTimeMs(opts.subgraphPid) ?? 0) - subgraphCpuStart;
  const clientCpu = process.cpuUsage(clientCpuStart);

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
  return {
    live,
    events,
    expected: received.length * events,
    delivered,
    lost,
    latencyP50Ms: pct(50),
    latencyP99Ms: pct(99),
    gatewayCpuMs,
    subgraphCpuMs,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
    elapsedMs,
    rssBeforeMb,
    rssOpenMb,
    errors: errors.length,
    firstError: errors[0],
  };
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

/** Every selected field is there: `id`, `rating`, `body` and, when selected, the author's name. */
function isWhole(review: ReviewEvent['reviewAdded'], withAuthor: boolean): review is { id: string; rating: number; body: string } {
  return !!review && typeof review.id === 'string' && typeof review.rating === 'number' && typeof review.body === 'string' && (!withAuthor || typeof review.author?.name === 'string');
}

/** A subscription's error (GraphQL errors, a close event or an Error) as one short line. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err !== null && typeof err === 'object' && 'code' in err) {
    const reason = 'reason' in err ? String(err.reason) : '';
    return `connection closed with ${String(err.code)}${reason ? ` (${reason})` : ''}`;
  }
  return JSON.stringify(err).slice(0, 200);
}

/** Current resident set size of a process in MB (Linux VmRSS). */
function rssMb(pid: number | undefined): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}
