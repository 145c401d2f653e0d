import fc from 'fast-check';
import { createSubgraph, SUBGRAPH_NAMES } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { subgraphUrlEnv } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';
import { startGatewayProcess, type GatewayProcess } from './gateway-process';
import { httpProbe, streamingProbe } from './http-arbitraries';
import type { Probe } from './probe';
import { rawHttpProbe } from './raw-http-arbitraries';
import { wsSession } from './ws-arbitraries';
import type { WsSessionProbe } from './ws-probe';

export interface FuzzStack {
  gateway: GatewayProcess;
  /** HTTP requests: any request, raw HTTP/1.1, and streaming POSTs (subscriptions, @defer). */
  probes: fc.Arbitrary<Probe>;
  /** WebSocket sessions (ws-arbitraries.ts). */
  sessions: fc.Arbitrary<WsSessionProbe>;
  /**
   * Problems with the gateway after the run: not running, not healthy, no longer answering a known
   * query in full, or subscriptions still open though every client has gone (a leak).
   */
  afterwards(): Promise<string[]>;
  stop(): Promise<void>;
}

const PROFILE = '{ user(id: "1") { id name orders(first: 2) { id } wishlist { count } reviewStats { count } } }';

/** The gateway's WS_MAX_MESSAGE_BYTES default: sessions send messages within a few bytes of it. */
const WS_MAX_MESSAGE_BYTES = 256 * 1024;
/** Short enough for a session to outwait it (close 4408) in about a second. */
const WS_CONNECTION_INIT_TIMEOUT_MS = 1_000;
/** How long subscriptions may take to end after their clients have gone, in ms. */
const LEAK_GRACE_MS = 5_000;

/**
 * The five real subgraphs in this process and the gateway in its own. Limits that would turn
 * most probes into 429s are raised (they are tested elsewhere); batching is on, so batches reach
 * Apollo Server; everything else is the default configuration.
 */
export async function startFuzzStack(env: Record<string, string> = {}): Promise<FuzzStack> {
  const subgraphs: SubgraphHandle[] = await Promise.all(SUBGRAPH_NAMES.map((name) => startSubgraph(createSubgraph(name), { logLevel: 'silent' })));
  let gateway: GatewayProcess;
  try {
    gateway = await startGatewayProcess({
      ...subgraphUrlEnv(Object.fromEntries(subgraphs.map((s) => [s.name, s]))),
      RATE_LIMIT_PER_MINUTE: '1000000',
      COST_BUDGET_RESTORE_PER_SECOND: '1000000',
      ALLOW_BATCHED_REQUESTS: 'true',
      WS_MAX_MESSAGE_BYTES: String(WS_MAX_MESSAGE_BYTES),
      WS_CONNECTION_INIT_TIMEOUT_MS: String(WS_CONNECTION_INIT_TIMEOUT_MS),
      ...env,
    });
  } catch (err) {
    await Promise.all(subgraphs.map((s) => s.stop()));
    throw err;
  }
  // Valid for the whole run, however long `npm run fuzz` is asked to go.
  const longLived = { exp: Math.floor(Date.now() / 1000) + 24 * 3600 };
  const validAuthorizations = await Promise.all([
    bearer('1', 'orders:read payments:read', longLived),
    bearer('2', '', longLived),
    bearer('admin-1', 'admin', longLived),
  ]).then((all) => all.map((h) => h.authorization ?? ''));
  return {
    gateway,
    probes: fc.oneof(
      { weight: 12, arbitrary: httpProbe({ validAuthorizations }) as fc.Arbitrary<Probe> },
      { weight: 2, arbitrary: rawHttpProbe },
      // Subscriptions stay open until the read stops (send-http.ts): fewer of them keeps the run's pace.
      { weight: 1, arbitrary: streamingProbe({ validAuthorizations }) },
    ),
    sessions: wsSession({ validAuthorizations, maxMessageBytes: WS_MAX_MESSAGE_BYTES }),
    afterwards: async () => {
      if (gateway.exit) return [`gateway exited: ${JSON.stringify(gateway.exit)} ${gateway.stderrTail()}`];
      const problems: string[] = [];
      const open = await openSubscriptions(gateway.origin, LEAK_GRACE_MS);
      if (open > 0) problems.push(`${open} subscriptions still open ${LEAK_GRACE_MS} ms after every client left (frontdoor_subscriptions_active)`);
      const health = await fetch(`${gateway.origin}/health`);
      if (health.status !== 200) problems.push(`/health answered ${health.status}`);
      const res = await fetch(`${gateway.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await profileOwner('1')) },
        body: JSON.stringify({ query: PROFILE }),
      });
      const body = (await res.json()) as { data?: { user?: { id?: string } }; errors?: unknown };
      if (res.status !== 200 || body.errors !== undefined || body.data?.user?.id !== '1') problems.push(`profile query answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return problems;
    },
    stop: async () => {
      await gateway.stop();
      await Promise.all(subgraphs.map((s) => s.stop()));
    },
  };
}

/** The sum of frontdoor_subscriptions_active once it reaches 0, or after `graceMs`, whatever it is then. */
async function openSubscriptions(origin: string, graceMs: number): Promise<number> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const text = await (await fetch(`${origin}/metrics`)).text();
    const open = text
      .split('\n')
      .filter((line) => line.startsWith('frontdoor_subscriptions_active{') || line.startsWith('frontdoor_subscriptions_active '))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    if (open === 0 || Date.now() > deadline) return open;
    await new Promise((r) => setTimeout(r, 100));
  }
}
