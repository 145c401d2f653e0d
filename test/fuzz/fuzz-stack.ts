import fc from 'fast-check';
import { createSubgraph, SUBGRAPH_NAMES } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { subgraphUrlEnv } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';
import { startGatewayProcess, type GatewayProcess } from './gateway-process';
import { httpProbe } from './http-arbitraries';
import type { Probe } from './probe';
import { rawHttpProbe } from './raw-http-arbitraries';

export interface FuzzStack {
  gateway: GatewayProcess;
  probes: fc.Arbitrary<Probe>;
  /** Problems with the gateway after the run: not running, not healthy, or no longer answering a known query in full. */
  afterwards(): Promise<string[]>;
  stop(): Promise<void>;
}

const PROFILE = '{ user(id: "1") { id name orders(first: 2) { id } wishlist { count } reviewStats { count } } }';

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
    probes: fc.oneof({ weight: 6, arbitrary: httpProbe({ validAuthorizations }) as fc.Arbitrary<Probe> }, { weight: 1, arbitrary: rawHttpProbe }),
    afterwards: async () => {
      if (gateway.exit) return [`gateway exited: ${JSON.stringify(gateway.exit)} ${gateway.stderrTail()}`];
      const problems: string[] = [];
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
