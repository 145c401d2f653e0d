import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SUBGRAPH_NAMES } from '../subgraphs/registry';
import { BENCH_IDENTITY_SECRET } from './features';
import { ROOT, freePort, spawnNode, waitForGraphQL, type Child } from './processes';

export const SEED_USERS = 1000;

export interface BenchSubgraphs {
  children: Child[];
  subgraphUrls: Record<string, string>;
  /** This run's supergraph: the committed one with these subgraphs' routing URLs. */
  supergraphPath: string;
}

export interface BenchSubgraphOptions {
  /** Artificial latency per request, in ms: one figure for all, or per subgraph (missing ones: 0). */
  latencyMs: number | Readonly<Record<string, number>>;
  /**
   * `one-process` (default): the five subgraphs in bench/subgraphs.ts, one event loop on five
   * ports. `processes`: one process each, as `npm start` runs them. On a 2-core machine five
   * processes spend most of their CPU waking up and switching (measured with bench/probe.ts: ~10 ms
   * of subgraph CPU per profile query against ~3 ms in one process), which swamps the gateways
   * being compared; the subgraph code, HTTP and data are the same either way.
   */
  mode?: 'one-process' | 'processes';
  /** Run the subgraphs compiled by bench/processes.ts `buildBench` (bench/dist) rather than through tsx. */
  compiled?: boolean;
  /** Node flags for the subgraph process(es), e.g. --cpu-prof. */
  nodeArgs?: (name: string) => string[];
}

export function subgraphMode(): 'one-process' | 'processes' {
  return process.env.BENCH_SUBGRAPHS === 'processes' ? 'processes' : 'one-process';
}

export async function startBenchSubgraphs(opts: BenchSubgraphOptions): Promise<BenchSubgraphs> {
  const children: Child[] = [];
  const subgraphUrls: Record<string, string> = {};
  const ports: Record<string, number> = {};
  for (const name of SUBGRAPH_NAMES) {
    ports[name] = await freePort();
    subgraphUrls[name] = `http://127.0.0.1:${ports[name]}/graphql`;
  }
  // NODE_ENV=production as deployed: graphql-js checks every instanceof the slow way otherwise (~2% of a subgraph's CPU).
  const latencyOf = (name: string): number => (typeof opts.latencyMs === 'number' ? opts.latencyMs : (opts.latencyMs[name] ?? 0));
  const env = { NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_USERS: String(SEED_USERS), SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET };
  const args = opts.nodeArgs ?? (() => []);
  if ((opts.mode ?? 'one-process') === 'one-process') {
    const host = opts.compiled ? 'bench/dist/bench/subgraphs.js' : 'bench/subgraphs.ts';
    const latencies = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, latencyOf(name)]));
    children.push(spawnNode('subgraphs', host, { ...env, BENCH_PORTS: JSON.stringify(ports), BENCH_LATENCIES_MS: JSON.stringify(latencies) }, args('subgraphs')));
  } else {
    for (const name of SUBGRAPH_NAMES) {
      const main = opts.compiled ? `bench/dist/subgraphs/${name}/main.js` : `subgraphs/${name}/main.ts`;
      children.push(spawnNode(name, main, { ...env, PORT: String(ports[name]), SUBGRAPH_LATENCY_MS: String(latencyOf(name)) }, args(name)));
    }
  }
  await Promise.all(SUBGRAPH_NAMES.map((name, i) => waitForGraphQL(children[Math.min(i, children.length - 1)]!, subgraphUrls[name]!)));
  let sdl = readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(subgraphUrls)) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*(")`), `$1${url}$2`);
  }
  const supergraphPath = path.join(mkdtempSync(path.join(tmpdir(), 'frontdoor-bench-')), 'supergraph.graphql');
  writeFileSync(supergraphPath, sdl);
  return { children, subgraphUrls, supergraphPath };
}
