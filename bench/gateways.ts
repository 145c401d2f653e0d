/**
 * The gateways the benchmark compares, each in its own process, all compiled (bench/processes.ts
 * buildBench), all started with the same node flags (GATEWAY_NODE_FLAGS, what Frontdoor ships with:
 * any team running another gateway can set them too), over the same supergraph and subgraphs, and
 * all sent the same per-caller tokens. Only Frontdoor verifies and enforces anything; the others
 * decode the token unverified to sign the caller's identity once per request (bench/identity.ts).
 */
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags';
import { BENCH_IDENTITY_SECRET, frontdoorFeatureEnv, type BenchRedis } from './features';
import { freePort, spawnNode, waitForGraphQL, type BenchEntries, type Child } from './processes';
import type { BenchSubgraphs } from './subgraph-stack';

export interface GatewaySpec {
  /** Short name used in ratio lines (`frontdoor/<key>`). */
  key: string;
  label: string;
  entry: (entries: BenchEntries) => string;
  env: Record<string, string>;
  nodeArgs: readonly string[];
}

const comparisonEnv = { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET };

export const FRONTDOOR: GatewaySpec = { key: 'frontdoor', label: 'Frontdoor (all features)', entry: (e) => e.frontdoor, env: frontdoorFeatureEnv(), nodeArgs: GATEWAY_NODE_FLAGS };

export function frontdoorWithRedis(redis: BenchRedis): GatewaySpec {
  return { key: 'frontdoor-redis', label: 'Frontdoor (all features), shared state in Redis', entry: (e) => e.frontdoor, env: frontdoorFeatureEnv(redis), nodeArgs: GATEWAY_NODE_FLAGS };
}

/** Frontdoor without its one V8 flag: what the flag buys in CPU and costs in memory (docs/benchmarks.md). */
export const FRONTDOOR_V8_DEFAULTS: GatewaySpec = { ...FRONTDOOR, key: 'frontdoor-v8-defaults', label: 'Frontdoor (all features), V8 default heap (no node flags)', nodeArgs: [] };

export const APOLLO_GATEWAY: GatewaySpec = { key: 'apollo-gateway', label: '@apollo/gateway + @apollo/server (vanilla)', entry: (e) => e.apolloGateway, env: comparisonEnv, nodeArgs: GATEWAY_NODE_FLAGS };

/** The control: Apollo Gateway with only its fetcher swapped for Frontdoor's pooled undici client. */
export const APOLLO_GATEWAY_UNDICI: GatewaySpec = { ...APOLLO_GATEWAY, key: 'apollo-gateway-undici', label: '@apollo/gateway, fetcher swapped for pooled undici (control)', env: { ...comparisonEnv, BENCH_FETCHER: 'undici' } };

export const HIVE_GATEWAY: GatewaySpec = { key: 'hive-gateway', label: '@graphql-hive/gateway', entry: (e) => e.hiveGateway, env: comparisonEnv, nodeArgs: GATEWAY_NODE_FLAGS };

export const HIVE_RUST_PLANNER: GatewaySpec = { ...HIVE_GATEWAY, key: 'hive-rust-planner', label: '@graphql-hive/gateway + Rust query planner', env: { ...comparisonEnv, BENCH_HIVE_PLANNER: 'rust' } };

export interface RunningGateway {
  spec: GatewaySpec;
  child: Child;
  url: string;
}

export async function startGateway(spec: GatewaySpec, entries: BenchEntries, stack: BenchSubgraphs, track: (c: readonly Child[]) => void): Promise<RunningGateway> {
  const port = await freePort();
  const env = { PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: stack.supergraphPath, SUPERGRAPH_WATCH: 'false', ...spec.env };
  const child = spawnNode(spec.label, spec.entry(entries), env, spec.nodeArgs);
  track([child]);
  const url = `http://127.0.0.1:${port}/graphql`;
  // Generous: several gateways may be starting at once on a busy 2-core machine.
  await waitForGraphQL(child, url, 180_000);
  return { spec, child, url };
}
