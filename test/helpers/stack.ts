import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../gateway/src/config';
import { createLogger } from '../../gateway/src/logger';
import { seedRevocationEpochs } from '../../gateway/src/auth/redis-revocations';
import { closeRedis, connectRedis } from '../../gateway/src/redis';
import { startGateway, type GatewayDeps, type GatewayHandle } from '../../gateway/src/server';
import type { RedisConfig } from '../../gateway/src/store/redis-config';
import type { SubgraphName } from '../../subgraphs/shared/definition';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { createSubgraph, SUBGRAPH_NAMES } from '../../subgraphs/registry';

export interface StackOptions {
  /** Which subgraphs to start; the others keep the supergraph's URL (nothing listens there in tests). @default all five */
  subgraphs?: readonly SubgraphName[];
  /** Extra gateway variables, as strings, exactly as in the environment. */
  env?: Record<string, string>;
  /** Artificial latency per subgraph request, in ms: one number for all, or per subgraph. @default 0 */
  latencyMs?: number | Partial<Record<SubgraphName, number>>;
  gatewayDeps?: GatewayDeps;
  /** Connect the gateway to the test run's Redis under a fresh key prefix. @default false */
  redis?: boolean | { keyPrefix: string };
}

export interface GraphQLResult {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

export interface Stack {
  gatewayUrl: string;
  gateway: GatewayHandle;
  subgraphs: Partial<Record<SubgraphName, SubgraphHandle>>;
  /** POSTs a GraphQL request to the gateway. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult>;
  /** Stops one subgraph (its requests then fail as they would in production). */
  stopSubgraph(name: SubgraphName): Promise<void>;
  clearRecordedRequests(): void;
  stop(): Promise<void>;
}

/**
 * The whole stack in-process on ephemeral ports: real subgraphs (`startSubgraph`, as in
 * production) and a real gateway pointed at them through SUBGRAPH_URL_<NAME>.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const names = opts.subgraphs ?? SUBGRAPH_NAMES;
  const started = await Promise.allSettled(
    names.map((name) =>
      startSubgraph(createSubgraph(name), {
        port: 0,
        logLevel: 'silent',
        recordRequests: true,
        latencyMs: typeof opts.latencyMs === 'number' ? opts.latencyMs : (opts.latencyMs?.[name] ?? 0),
        // Gateway and subgraphs must share the identity secret, as in production.
        ...(opts.env?.SUBGRAPH_IDENTITY_SECRET ? { identitySecret: opts.env.SUBGRAPH_IDENTITY_SECRET } : {}),
      }),
    ),
  );
  const handles = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(handles.map((h) => h.stop()));
    throw failed.reason;
  }
  const subgraphs: Partial<Record<SubgraphName, SubgraphHandle>> = {};
  for (const h of handles) subgraphs[h.name] = h;
  let gateway: GatewayHandle;
  try {
    gateway = await startTestGateway({ ...subgraphUrlEnv(subgraphs), ...redisEnv(opts.redis), ...opts.env }, opts.gatewayDeps);
  } catch (err) {
    // A refused config (or a gateway that fails to start) must not leave the subgraphs listening:
    // their open servers would keep Jest from exiting after the run.
    await Promise.all(handles.map((h) => h.stop()));
    throw err;
  }

  return {
    gatewayUrl: gateway.url,
    gateway,
    subgraphs,
    query: (query, variables, headers) => postGraphQL(gateway.url, { query, variables }, headers),
    stopSubgraph: async (name) => subgraphs[name]?.stop(),
    clearRecordedRequests: () => handles.forEach((h) => h.clearRequests()),
    stop: async () => {
      await gateway.stop();
      await Promise.all(handles.map((h) => h.stop()));
    },
  };
}

/**
 * A gateway as every test starts one: port 0, quiet, no file watching, a short drain; `env` on top
 * (the same variables as in production). Stop it yourself.
 */
export async function startTestGateway(env: Record<string, string>, deps: GatewayDeps = {}): Promise<GatewayHandle> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SUPERGRAPH_WATCH: 'false', SHUTDOWN_GRACE_MS: '2000', ...env });
  if (config.redis) await seedNewPrefix(config.redis);
  return startGateway(config, { log: createLogger(config.log), ...deps });
}

/** Key prefixes (per Redis) this test process has started a gateway on, each with its seeding. */
const seededPrefixes = new Map<string, Promise<void>>();

/**
 * The first gateway on a fresh key prefix would create its revocation epoch markers with "now",
 * refusing every token issued in the same second (auth/redis-revocations.ts: a new prefix looks
 * like one that lost its data). Tests sign their tokens right after start, so a new prefix is
 * declared new instead, as an operator would for a new deployment. Only the first time a prefix is
 * seen: a gateway started after a test wiped Redis must not wave the loss away. Gateways started
 * together on one prefix all wait for the one seeding: one that started before it finished wrote
 * "now" first and refused the test's tokens.
 */
function seedNewPrefix(redis: RedisConfig): Promise<void> {
  const id = `${JSON.stringify(redis.topology)} ${redis.keyPrefix}`;
  let seeding = seededPrefixes.get(id);
  if (!seeding) {
    seeding = seedRevocationEpochsOnce(redis);
    seededPrefixes.set(id, seeding);
  }
  return seeding;
}

async function seedRevocationEpochsOnce(redis: RedisConfig): Promise<void> {
  const client = await connectRedis(redis, createLogger({ level: 'silent', pretty: false })).catch(() => undefined);
  if (!client) return; // a test of an unreachable Redis
  try {
    await seedRevocationEpochs(client, 0);
  } finally {
    await closeRedis(client);
  }
}

/** SUBGRAPH_URL_<NAME> for every running subgraph, pointing a gateway at them. */
export function subgraphUrlEnv(subgraphs: Stack['subgraphs']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, handle] of Object.entries(subgraphs)) if (handle) env[`SUBGRAPH_URL_${name.toUpperCase()}`] = handle.url;
  return env;
}

/**
 * Another gateway instance in front of a stack's subgraphs, as a fleet would run it: same
 * subgraphs, and the same Redis and key prefix when `env` says so. Stop it yourself.
 */
export function startExtraGateway(stack: Stack, env: Record<string, string> = {}): Promise<GatewayHandle> {
  return startTestGateway({ ...subgraphUrlEnv(stack.subgraphs), ...env });
}

/** A key prefix no other test uses, so tests can share one Redis without FLUSHALL; the run's teardown removes its keys. */
export function uniqueKeyPrefix(): string {
  return `t:${process.env.FRONTDOOR_TEST_RUN ?? 'local'}:${randomUUID()}:`;
}

/** The Redis the jest globalSetup found or started for this run. */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run integration tests through jest (its globalSetup provides Redis)');
  return url;
}

function redisEnv(redis: StackOptions['redis']): Record<string, string> {
  if (!redis) return {};
  return { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: redis === true ? uniqueKeyPrefix() : redis.keyPrefix };
}

export async function postGraphQL(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<GraphQLResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: GraphQLResult['body'];
  try {
    parsed = JSON.parse(text) as GraphQLResult['body'];
  } catch {
    throw new Error(`gateway answered ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
