import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AUTH_ENV, toAuthConfig, type AuthConfig } from './auth/auth-config';
import { CACHE_ENV, toCacheConfig, type CacheConfig } from './cache/cache-config';
import { CLIENTS_ENV, toClientsConfig, type ClientsConfig } from './clients/client-config';
import { SUBGRAPH_ENV, toSubgraphsConfig, type SubgraphsConfig } from './datasource/subgraph-config';
import { RESPONSE_HEADER_ENV, toResponseHeaderConfig, type ResponseHeaderConfig } from './datasource/response-header-config';
import { EDGE_ENV, toEdgeConfig, type EdgeConfig } from './edge/edge-config';
import { DEFER_ENV, toDeferConfig, type DeferConfig } from './incremental/defer-config';
import { HTTP_ENV, toHttpConfig, type GraphQLConfig, type HttpConfig } from './http/http-config';
import { IDEMPOTENCY_ENV, toIdempotencyConfig, type IdempotencyConfig } from './idempotency/idempotency-config';
import { LIMITS_ENV, toLimitsConfig, type LimitsConfig } from './limits/limits-config';
import { OBSERVABILITY_ENV, toObservabilityConfig, type ObservabilitySections } from './observability/observability-config';
import { ResilienceEnvSchema, readTimeoutOverrides, toResilienceConfig, type ResilienceConfig } from './resilience/config';
import { REPLICA_ENV, readSubgraphUrlLists, toReplicaConfig, type ReplicaConfig } from './routing/replica-config';
import { REST_ENV, toRestConfig, type RestConfig } from './rest/rest-config';
import { REDIS_ENV, toRedisConfig, type RedisConfig } from './store/redis-config';
import { SUPERGRAPH_ENV, toSupergraphConfig, type SupergraphConfig } from './supergraph/supergraph-config';
import { SUBSCRIPTIONS_ENV, toSubscriptionsConfig, type SubscriptionsConfig } from './subscriptions/subscription-config';
import { USAGE_ENV, toUsageConfig, type UsageConfig } from './usage/usage-config';

/**
 * Every variable the gateway reads: each area declares its own beside its code (`*_ENV`, with each
 * key's default and unit), and this file only assembles them, so one parse reports every problem at
 * once. docs/configuration.md lists the same (a test checks). `SUBGRAPH_URL_<NAME>` and
 * `SUBGRAPH_TIMEOUT_MS_<NAME>` are read separately (their names are open-ended).
 */
const EnvSchema = z.object({
  /** `production` turns off Sandbox and introspection by default. @default development */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ...HTTP_ENV,
  ...SUPERGRAPH_ENV,
  ...SUBGRAPH_ENV,
  ...OBSERVABILITY_ENV,
  ...USAGE_ENV,
  ...REDIS_ENV,
  ...CACHE_ENV,
  ...EDGE_ENV,
  ...LIMITS_ENV,
  ...ResilienceEnvSchema.shape,
  ...CLIENTS_ENV,
  ...REPLICA_ENV,
  ...RESPONSE_HEADER_ENV,
  ...AUTH_ENV,
  ...SUBSCRIPTIONS_ENV,
  ...IDEMPOTENCY_ENV,
  ...DEFER_ENV,
  ...REST_ENV,
});

type Env = z.infer<typeof EnvSchema>;

/** Every fixed variable name the gateway reads (docs/configuration.md documents each; a test checks). */
export const ENV_KEYS: readonly string[] = [
  ...Object.keys(EnvSchema.shape),
  'CONFIG_FILE',
  'SUBGRAPH_URL_<NAME>',
  'SUBGRAPH_TIMEOUT_MS_<NAME>',
];

/** The one configuration object, read once at start-up and frozen; each section's type lives beside its code. */
export interface Config extends ObservabilitySections {
  env: Env['NODE_ENV'];
  http: HttpConfig;
  /** Gateway worker processes; 1 means no cluster. */
  workers: number;
  supergraph: SupergraphConfig;
  subgraphs: SubgraphsConfig;
  graphql: GraphQLConfig;
  /** Field-usage recording; false when off or when there is nowhere to keep it. */
  usage: UsageConfig;
  /** `false` when REDIS_URL is unset: every store is in-memory. */
  redis: false | RedisConfig;
  /** Response cache, APQ, trusted documents, query-plan cache. */
  cache: CacheConfig;
  limits: LimitsConfig;
  /** Per-subgraph timeouts, retries, circuit breakers and in-flight deduplication (resilience/config.ts). */
  resilience: ResilienceConfig;
  /** Subgraphs with several URLs: balancing and passive health (routing/replica-config.ts). */
  replicas: ReplicaConfig;
  /** Subgraph response headers copied to clients; false when none are listed. */
  responseHeaders: false | ResponseHeaderConfig;
  auth: AuthConfig;
  /** TLS termination, CORS, security headers, TLS to subgraphs (edge/edge-config.ts). */
  edge: EdgeConfig;
  /** Client identification and per-client policies (clients/client-config.ts). */
  clients: ClientsConfig;
  /** Subscriptions: caps, WebSocket limits, heartbeats; false when SUBSCRIPTIONS_ENABLED=false (subscriptions/subscription-config.ts). */
  subscriptions: false | SubscriptionsConfig;
  /** Idempotency-Key on mutations (idempotency/idempotency-config.ts). */
  idempotency: IdempotencyConfig;
  /** @defer over multipart/mixed; false when DEFER_ENABLED=false (incremental/defer-config.ts). */
  defer: DeferConfig;
  /** REST routes over trusted operations; false when REST_ROUTES is unset (rest/rest-config.ts). */
  rest: false | RestConfig;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`CONFIG_INVALID: ${problems.length} problem(s) in the configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type RawEnv = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration once: an optional file (`CONFIG_FILE`, YAML or JSON, the same variable
 * names as keys) under the environment, which wins. Reports every bad variable in one ConfigError
 * and returns a deep-frozen object.
 */
export function loadConfig(env: RawEnv): Config {
  const problems: string[] = [];
  const merged = { ...readConfigFile(env.CONFIG_FILE, problems), ...definedOnly(env) };
  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      problems.push(`${key}: ${issue.message} (got ${JSON.stringify(merged[key] ?? null)})`);
    }
  }
  // One URL overrides the supergraph's routing URL; several make a replica set (the first is the override).
  const urlLists = readSubgraphUrlLists(merged, problems);
  const timeoutOverrides = readTimeoutOverrides(merged, problems);
  // CLIENT_POLICIES is checked even when other variables are bad, so one run lists every problem.
  if (!parsed.success) toClientsConfig(merged.CLIENT_POLICIES, undefined, problems);
  const config = parsed.success ? assemble(parsed.data, merged, urlLists, timeoutOverrides, problems) : undefined;
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** Each area turns its variables into its section and adds its own problems; undefined when a section could not be built. */
function assemble(
  e: Env,
  merged: Record<string, unknown>,
  urlLists: Record<string, readonly string[]>,
  timeoutOverrides: ReturnType<typeof readTimeoutOverrides>,
  problems: string[],
): Config | undefined {
  const production = e.NODE_ENV === 'production';
  const redis = toRedisConfig(e, problems);
  const limits = toLimitsConfig(e, production);
  const urlOverrides = Object.fromEntries(Object.entries(urlLists).map(([name, urls]) => [name, urls[0] ?? '']));
  const cache = toCacheConfig(e, problems);
  const edge = toEdgeConfig(e, production, problems);
  const clients = toClientsConfig(merged.CLIENT_POLICIES, {
    nameClaim: e.CLIENT_NAME_CLAIM,
    limits,
    introspection: e.INTROSPECTION ?? !production,
    hasManifest: e.PERSISTED_QUERIES_MANIFEST !== undefined,
  }, problems);
  const sections = {
    env: e.NODE_ENV,
    ...toHttpConfig(e, production, problems),
    supergraph: toSupergraphConfig(e, redis !== false, problems),
    subgraphs: toSubgraphsConfig(e, urlOverrides, problems),
    ...toObservabilityConfig(e, production, problems),
    usage: toUsageConfig(e, redis !== false),
    redis,
    limits,
    resilience: toResilienceConfig(e, timeoutOverrides),
    replicas: toReplicaConfig(e, urlLists),
    responseHeaders: toResponseHeaderConfig(e, problems),
    auth: toAuthConfig(e, e.CLIENT_NAME_CLAIM, production, problems),
    subscriptions: toSubscriptionsConfig(e),
    idempotency: toIdempotencyConfig(e),
    defer: toDeferConfig(e),
    rest: toRestConfig(e, problems),
  };
  if (!cache || !edge || !clients) return undefined;
  return { ...sections, cache, edge, clients };
}

function readConfigFile(file: string | undefined, problems: string[]): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`CONFIG_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  try {
    const doc: unknown = parseYaml(text);
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('top level must be a mapping');
    // File values may be numbers or booleans; the schema reads strings, as from the environment.
    // Mappings (CLIENT_POLICIES) become JSON, the form the environment gives them in.
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]));
  } catch (err) {
    problems.push(`CONFIG_FILE: ${file} is not valid YAML/JSON: ${(err as Error).message}`);
    return {};
  }
}

function definedOnly(env: RawEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
