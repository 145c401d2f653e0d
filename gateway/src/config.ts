import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CACHE_ENV, toCacheConfig, type CacheConfig } from './cache/cache-config';
import { CLIENTS_ENV, toClientsConfig, type ClientDefaults, type ClientsConfig } from './clients/client-config';
import { EDGE_ENV, toEdgeConfig, type EdgeConfig } from './edge/edge-config';
import { ResilienceEnvSchema, readTimeoutOverrides, toResilienceConfig, type ResilienceConfig } from './resilience/config';
import type { TokenVerifierOptions } from './auth/jwt';
import { RESPONSE_HEADER_ENV, toResponseHeaderConfig, type ResponseHeaderConfig } from './datasource/response-header-config';
import { REPLICA_ENV, readSubgraphUrlLists, toReplicaConfig, type ReplicaConfig } from './routing/replica-config';

/**
 * Development secrets: public on purpose (README, `npm run token`), so `npm start` works with no
 * setup. The gateway warns loudly when DEV_JWT_SECRET is used with NODE_ENV=production and refuses
 * DEV_IDENTITY_SECRET there. subgraphs/shared/identity.ts holds the same identity default (a unit
 * test keeps the two equal).
 */
export const DEV_JWT_SECRET = 'frontdoor-development-jwt-secret-not-for-production';
export const DEV_IDENTITY_SECRET = 'frontdoor-development-identity-secret-not-for-production';
const SYMMETRIC_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS: readonly string[] = ['RS256', 'ES256', 'EdDSA'];
const ALL_ASYMMETRIC: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The repository root: defaults such as the supergraph path are resolved against it. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csvList = z.string().transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean));
const headerList = z
  .string()
  .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));

/** Header names a subgraph trusts for identity: never copied from a client, whatever the allowlist says. */
export const RESERVED_HEADER_PATTERN = /^(x-user-|x-frontdoor-|x-gateway-|authorization$|cookie$|host$|content-length$|connection$|x-request-id$)/;

/**
 * Every variable the gateway reads. Each key's default and unit sits next to it; README.md lists
 * the same. `SUBGRAPH_URL_<NAME>` variables are read separately (their names are open-ended).
 */
const EnvSchema = z.object({
  /** `production` turns off Sandbox and introspection by default. @default development */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port; 0 picks a free one. @default 4000 */
  PORT: int(0, 65535).default(4000),
  /** Interface to bind. @default 0.0.0.0 */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Gateway processes sharing the port (node:cluster); 0 = one per CPU core; 1 = no cluster. @default 1 */
  CLUSTER_WORKERS: int(0, 256).default(1),
  /** Supergraph SDL file (composed by `npm run compose`). Relative paths resolve against the working directory. @default <repo>/supergraph.graphql */
  SUPERGRAPH_PATH: z.string().min(1).default(path.join(REPO_ROOT, 'supergraph.graphql')),
  /** Swap the schema when the supergraph file changes (hot reload). @default true */
  SUPERGRAPH_WATCH: bool.default(true),
  /** `file`: SUPERGRAPH_PATH (one instance, or one file per instance); `redis`: the supergraph `npm run publish` put in Redis, switched on its notification (a fleet). @default file */
  SUPERGRAPH_SOURCE: z.enum(['file', 'redis']).default('file'),
  /** With SUPERGRAPH_SOURCE=redis: re-read the published supergraph this often even without a notification, in ms. @default 30000 */
  SUPERGRAPH_POLL_MS: int(100, 3_600_000).default(30_000),
  /** Time limit for one subgraph call, in milliseconds. @default 5000 */
  SUBGRAPH_TIMEOUT_MS: int(1, 600_000).default(5000),
  /** Keep-alive connections per subgraph origin. @default 64 */
  SUBGRAPH_MAX_CONNECTIONS: int(1, 10_000).default(64),
  /** Largest accepted request body, in bytes; larger → 413. @default 1048576 (1 MiB) */
  MAX_BODY_BYTES: int(1, 100 * 1024 * 1024).default(1024 * 1024),
  /** Believe the first X-Forwarded-For entry as the client IP (only behind a proxy that sets it). @default false */
  TRUST_PROXY: bool.default(false),
  /** Client request headers copied to every subgraph call (comma-separated). Identity headers can never be listed. W3C trace context passes through unchanged while tracing export is off. @default accept-language,traceparent,tracestate */
  FORWARD_HEADERS: headerList.default(['accept-language', 'traceparent', 'tracestate']),
  /** OTLP/HTTP endpoint for the gateway's spans (e.g. http://otel-collector:4318/v1/traces). Unset: no spans are exported. @default unset */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  /** `service.name` on exported spans. @default frontdoor-gateway */
  OTEL_SERVICE_NAME: z.string().min(1).default('frontdoor-gateway'),
  /** Allow introspection queries. @default true, false when NODE_ENV=production */
  INTROSPECTION: bool.optional(),
  /** Serve the Apollo Sandbox landing page on GET /graphql from a browser. @default true, false when NODE_ENV=production */
  SANDBOX: bool.optional(),
  /** Show upstream error details (unmasked messages, subgraph responses) to clients. Never in production. @default false */
  EXPOSE_ERROR_DETAILS: bool.default(false),
  /** pino level: fatal, error, warn, info, debug, trace, silent. @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Human-readable logs (development only). @default false */
  LOG_PRETTY: bool.default(false),
  /** How long shutdown waits for in-flight requests, in milliseconds. @default 10000 */
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  /** Record which fields operations use, for `npm run check`'s usage-aware report (needs REDIS_URL or USAGE_FILE). @default true */
  USAGE_RECORDING: bool.default(true),
  /** Without Redis: JSON file that recorded usage is merged into. @default unset (no recording without Redis) */
  USAGE_FILE: z.string().min(1).optional(),
  /** How often recorded usage is written out, in milliseconds. @default 10000 */
  USAGE_FLUSH_MS: int(100, 3_600_000).default(10_000),
  /** Redis for state shared by every instance (limits, revocations, caches). Unset → in-memory stores (one instance only). @default unset */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Prefix of every key the gateway writes, so several deployments (or tests) can share one Redis. @default frontdoor: */
  REDIS_KEY_PREFIX: z.string().max(100).default('frontdoor:'),
  /** Longest wait for one Redis command, in milliseconds; past it the feature's fail-open/closed rule applies. @default 500 */
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(500),
  /** Longest wait for a Redis connection, in milliseconds. @default 2000 */
  REDIS_CONNECT_TIMEOUT_MS: int(10, 60_000).default(2000),
  // Response cache, APQ, trusted documents, plan cache: cache/cache-config.ts.
  ...CACHE_ENV,
  // TLS, HTTP/2, CORS, security headers, TLS to subgraphs: edge/edge-config.ts.
  ...EDGE_ENV,
  // ---- Limits (rate limits, demand control, cost budgets, operation limits): see gateway/src/limits/ ----
  /** Per-caller rate limits: the global one and every `@rateLimit` of the supergraph. @default true */
  RATE_LIMIT_ENABLED: bool.default(true),
  /** Requests per caller per minute, whatever they select. @default 600 */
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(600),
  /** When Redis cannot answer a limiter: `fail-open` (per-instance in-memory limits, warn log) or `fail-closed` (503). @default fail-open */
  RATE_LIMIT_FAILURE_MODE: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
  /**
   * `enforce`: refuse operations whose estimated cost is above COST_MAX (or the budget's capacity), and spend the budget;
   * `measure`: only report the cost (nothing refused, no budget spent); `auto`: `enforce` while the supergraph declares
   * `@cost` or `@listSize` anywhere, else `measure` (estimates of a graph without them are guesses). @default auto
   */
  COST_MODE: z.enum(['auto', 'enforce', 'measure']).default('auto'),
  /** Largest estimated cost of one operation (Apollo Router's demand-control rules). @default 1000 */
  COST_MAX: int(1, 100_000_000).default(1000),
  /** Assumed length of a list field without `@listSize`. @default 10 */
  COST_DEFAULT_LIST_SIZE: int(0, 100_000).default(10),
  /** Per-caller cost budget (a token bucket): the estimate is reserved before execution, the unused part refunded. @default true */
  COST_BUDGET_ENABLED: bool.default(true),
  /** Points a caller's bucket holds when full; an operation estimated above it is refused like one above COST_MAX. @default 1000 */
  COST_BUDGET_CAPACITY: int(1, 100_000_000).default(1000),
  /** Points restored to a bucket per second. @default 100 */
  COST_BUDGET_RESTORE_PER_SECOND: int(1, 100_000_000).default(100),
  /** Deepest field nesting in an operation (introspection included). @default 15 */
  MAX_DEPTH: int(1, 1000).default(15),
  /** Most aliased fields in an operation. @default 15 */
  MAX_ALIASES: int(0, 10_000).default(15),
  /** Most root fields in an operation. @default 20 */
  MAX_ROOT_FIELDS: int(1, 10_000).default(20),
  /** Most directives on one field, fragment spread or inline fragment. @default 5 */
  MAX_DIRECTIVES_PER_FIELD: int(0, 1000).default(5),
  /** Most lexical tokens in one operation document; checked before Apollo Server parses it. @default 2000 */
  MAX_TOKENS: int(1, 10_000_000).default(2000),
  /** Accept a JSON array of operations in one POST. Off: an array → 400 BATCHING_DISABLED. @default false */
  ALLOW_BATCHED_REQUESTS: bool.default(false),
  /** Most operations in one batch, when batching is allowed. @default 10 */
  MAX_BATCH_SIZE: int(1, 1000).default(10),
  /** Hide field suggestions ("Did you mean …") in validation errors. @default true in production, else false */
  HIDE_SCHEMA_SUGGESTIONS: bool.optional(),
  ...ResilienceEnvSchema.shape,
  // Per-client policies (issue #7): clients/client-config.ts.
  ...CLIENTS_ENV,
  // Subgraph replicas (routing/replica-config.ts) and response headers copied from subgraphs (datasource/response-header-config.ts).
  ...REPLICA_ENV,
  ...RESPONSE_HEADER_ENV,

  // Authentication, revocation, authorization and identity forwarding (issue 3).
  /** HS256 shared secret for bearer tokens (at least 32 characters); ignored when AUTH_JWKS_URL is set. @default DEV_JWT_SECRET (warns loudly in production) */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  /** JWKS endpoint for asymmetric tokens (RS256/ES256/EdDSA); when set, the shared secret is not used. @default unset */
  AUTH_JWKS_URL: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
  /** Accepted `alg` values (comma-separated). `none` is never accepted. @default HS256 (secret) or RS256,ES256,EdDSA (JWKS) */
  AUTH_ALGORITHMS: csvList.optional(),
  /** Required `iss` claim. @default frontdoor-dev */
  AUTH_ISSUER: z.string().min(1).default('frontdoor-dev'),
  /** Required `aud` claim (the token's audience must include it). @default frontdoor */
  AUTH_AUDIENCE: z.string().min(1).default('frontdoor'),
  /** Clock skew allowed on exp/nbf/iat, in seconds. @default 30 */
  AUTH_CLOCK_TOLERANCE_S: int(0, 300).default(30),
  /** Largest accepted bearer token, in bytes; larger → 401 before any parsing. @default 8192 */
  AUTH_MAX_TOKEN_BYTES: int(64, 65_536).default(8192),
  /** How long fetched JWKS keys are trusted before a refetch, in milliseconds. @default 600000 (10 min) */
  AUTH_JWKS_CACHE_MS: int(1000, 86_400_000).default(600_000),
  /** Least time between two JWKS fetches caused by unknown `kid`s, in milliseconds (bounds key-rotation refetches). @default 30000 */
  AUTH_JWKS_COOLDOWN_MS: int(0, 3_600_000).default(30_000),
  /** Longest wait for the JWKS endpoint, in milliseconds. @default 5000 */
  AUTH_JWKS_TIMEOUT_MS: int(100, 60_000).default(5000),
  /** Verified bearer tokens remembered per instance (each reused for at most 60 s and never past its exp; revocation is still checked per request); 0 = verify every request. @default 10000 */
  AUTH_TOKEN_CACHE_SIZE: int(0, 1_000_000).default(10_000),
  /** When the revocation store (Redis) fails: true accepts the token (warn logged), false answers 401. @default false */
  AUTH_REVOCATION_FAIL_OPEN: bool.default(false),
  /** `@authenticated` / `@requiresScopes` enforcement: `filter` removes unauthorized fields (null + UNAUTHORIZED_FIELD_OR_TYPE), `reject` refuses the operation (401/403). @default filter */
  AUTHZ_MODE: z.enum(['filter', 'reject']).default('filter'),
  /** HMAC secret shared with the subgraphs for the signed identity header (at least 32 characters). @default DEV_IDENTITY_SECRET (refused in production) */
  SUBGRAPH_IDENTITY_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_IDENTITY_SECRET),
});

type Env = z.infer<typeof EnvSchema>;

/** Every fixed variable name the gateway reads (README.md documents each; a test checks). */
export const ENV_KEYS: readonly string[] = [
  ...Object.keys(EnvSchema.shape),
  'CONFIG_FILE',
  'SUBGRAPH_URL_<NAME>',
  'SUBGRAPH_TIMEOUT_MS_<NAME>',
];

export interface Config {
  env: Env['NODE_ENV'];
  http: { port: number; host: string; maxBodyBytes: number; shutdownGraceMs: number; trustProxy: boolean };
  /** Gateway worker processes; 1 means no cluster. */
  workers: number;
  supergraph: { source: 'file' | 'redis'; path: string; watch: boolean; pollMs: number };
  subgraphs: {
    timeoutMs: number;
    maxConnections: number;
    forwardHeaders: readonly string[];
    /** Subgraph name (lower case) → URL, overriding the supergraph's routing URL. */
    urlOverrides: Readonly<Record<string, string>>;
  };
  graphql: { introspection: boolean; sandbox: boolean; exposeErrorDetails: boolean };
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  /** Span export; false when no OTLP endpoint is configured. */
  tracing: false | { endpoint: string; serviceName: string };
  /** Field-usage recording; false when off or when there is nowhere to keep it. */
  usage: false | { sink: 'redis'; flushMs: number } | { sink: 'file'; path: string; flushMs: number };
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
}

/** Everything that protects the subgraphs from abuse (issue #4); see gateway/src/limits/. */
export interface LimitsConfig {
  /** What a Redis failure means for rate limits and budgets. */
  failureMode: 'fail-open' | 'fail-closed';
  /** `false`: neither the global limit nor `@rateLimit` is applied. */
  rateLimit: false | { perMinute: number };
  /** `auto`: enforce only while the supergraph declares cost directives (limits/cost-enforcement.ts). */
  cost: { mode: 'auto' | 'enforce' | 'measure'; max: number; defaultListSize: number };
  budget: false | { capacity: number; restorePerSecond: number };
  operation: { maxDepth: number; maxAliases: number; maxRootFields: number; maxDirectivesPerField: number; maxTokens: number };
  /** `false`: a JSON array body is refused. */
  batching: false | { maxBatchSize: number };
  hideSchemaSuggestions: boolean;
}

/** The token checks (auth/jwt.ts declares them) plus what the rest of authentication needs. */
export interface AuthConfig extends Omit<TokenVerifierOptions, 'keys'> {
  /** Where verification keys come from: the shared secret (HS*) or a JWKS URL (asymmetric). */
  keys:
    | (Extract<TokenVerifierOptions['keys'], { kind: 'secret' }> & { isDevSecret: boolean })
    | Extract<TokenVerifierOptions['keys'], { kind: 'jwks' }>;
  revocationFailOpen: boolean;
  /** Verified tokens remembered (auth/verified-tokens.ts); 0 = off. */
  verifiedTokenCacheSize: number;
  authorizationMode: 'filter' | 'reject';
  /** HMAC key of the identity header sent to subgraphs. Never logged. */
  identitySecret: string;
}

export interface RedisConfig {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
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
  const urlOverrides = Object.fromEntries(Object.entries(urlLists).map(([name, urls]) => [name, urls[0] ?? '']));
  const timeoutOverrides = readTimeoutOverrides(merged, problems);
  if (parsed.success) checkCrossField(parsed.data, problems);
  const cache = parsed.success ? toCacheConfig(parsed.data, problems) : undefined;
  const edge = parsed.success ? toEdgeConfig(parsed.data, parsed.data.NODE_ENV === 'production', problems) : undefined;
  const clients = toClientsConfig(merged.CLIENT_POLICIES, parsed.success ? clientDefaults(parsed.data) : undefined, problems);
  const responseHeaders = parsed.success ? toResponseHeaderConfig(parsed.data, problems) : false;
  if (problems.length > 0 || !parsed.success || !cache || !edge || !clients) throw new ConfigError(problems);
  return deepFreeze({
    ...toConfig(parsed.data, urlOverrides, cache),
    resilience: toResilienceConfig(parsed.data, timeoutOverrides),
    replicas: toReplicaConfig(parsed.data, urlLists),
    responseHeaders,
    edge,
    clients,
  });
}

function toConfig(e: Env, urlOverrides: Record<string, string>, cache: CacheConfig): Omit<Config, 'resilience' | 'replicas' | 'responseHeaders' | 'edge' | 'clients'> {
  const production = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      host: e.HOST,
      maxBodyBytes: e.MAX_BODY_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      trustProxy: e.TRUST_PROXY,
    },
    workers: e.CLUSTER_WORKERS === 0 ? availableParallelism() : e.CLUSTER_WORKERS,
    supergraph: {
      source: e.SUPERGRAPH_SOURCE,
      path: path.resolve(e.SUPERGRAPH_PATH),
      watch: e.SUPERGRAPH_WATCH,
      pollMs: e.SUPERGRAPH_POLL_MS,
    },
    subgraphs: {
      timeoutMs: e.SUBGRAPH_TIMEOUT_MS,
      maxConnections: e.SUBGRAPH_MAX_CONNECTIONS,
      forwardHeaders: e.FORWARD_HEADERS,
      urlOverrides,
    },
    graphql: {
      introspection: e.INTROSPECTION ?? !production,
      sandbox: e.SANDBOX ?? !production,
      exposeErrorDetails: e.EXPOSE_ERROR_DETAILS,
    },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    usage: usageConfig(e),
    tracing: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME } : false,
    redis: e.REDIS_URL
      ? {
          url: e.REDIS_URL,
          keyPrefix: e.REDIS_KEY_PREFIX,
          commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
          connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
        }
      : false,
    cache,
    limits: toLimitsConfig(e, production),
    auth: {
      keys: e.AUTH_JWKS_URL
        ? { kind: 'jwks', url: e.AUTH_JWKS_URL, cacheMaxAgeMs: e.AUTH_JWKS_CACHE_MS, cooldownMs: e.AUTH_JWKS_COOLDOWN_MS, timeoutMs: e.AUTH_JWKS_TIMEOUT_MS }
        : { kind: 'secret', secret: e.AUTH_JWT_SECRET, isDevSecret: e.AUTH_JWT_SECRET === DEV_JWT_SECRET },
      algorithms: e.AUTH_ALGORITHMS ?? (e.AUTH_JWKS_URL ? [...ASYMMETRIC_ALGORITHMS] : ['HS256']),
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      clockToleranceS: e.AUTH_CLOCK_TOLERANCE_S,
      maxTokenBytes: e.AUTH_MAX_TOKEN_BYTES,
      revocationFailOpen: e.AUTH_REVOCATION_FAIL_OPEN,
      verifiedTokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
      authorizationMode: e.AUTHZ_MODE,
      identitySecret: e.SUBGRAPH_IDENTITY_SECRET,
      clientClaim: e.CLIENT_NAME_CLAIM,
    },
  };
}

/** What client policies fall back to: the global settings. */
function clientDefaults(e: Env): ClientDefaults {
  const production = e.NODE_ENV === 'production';
  return {
    nameClaim: e.CLIENT_NAME_CLAIM,
    limits: toLimitsConfig(e, production),
    introspection: e.INTROSPECTION ?? !production,
    hasManifest: e.PERSISTED_QUERIES_MANIFEST !== undefined,
  };
}

function toLimitsConfig(e: Env, production: boolean): LimitsConfig {
  return {
    failureMode: e.RATE_LIMIT_FAILURE_MODE,
    rateLimit: e.RATE_LIMIT_ENABLED ? { perMinute: e.RATE_LIMIT_PER_MINUTE } : false,
    cost: { mode: e.COST_MODE, max: e.COST_MAX, defaultListSize: e.COST_DEFAULT_LIST_SIZE },
    budget: e.COST_BUDGET_ENABLED ? { capacity: e.COST_BUDGET_CAPACITY, restorePerSecond: e.COST_BUDGET_RESTORE_PER_SECOND } : false,
    operation: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxRootFields: e.MAX_ROOT_FIELDS,
      maxDirectivesPerField: e.MAX_DIRECTIVES_PER_FIELD,
      maxTokens: e.MAX_TOKENS,
    },
    batching: e.ALLOW_BATCHED_REQUESTS ? { maxBatchSize: e.MAX_BATCH_SIZE } : false,
    hideSchemaSuggestions: e.HIDE_SCHEMA_SUGGESTIONS ?? production,
  };
}

function usageConfig(e: Env): Config['usage'] {
  if (!e.USAGE_RECORDING) return false;
  if (e.REDIS_URL) return { sink: 'redis', flushMs: e.USAGE_FLUSH_MS };
  if (e.USAGE_FILE) return { sink: 'file', path: path.resolve(e.USAGE_FILE), flushMs: e.USAGE_FLUSH_MS };
  return false;
}

function checkCrossField(e: Env, problems: string[]): void {
  const reserved = e.FORWARD_HEADERS.filter((h) => RESERVED_HEADER_PATTERN.test(h));
  if (reserved.length > 0) {
    problems.push(`FORWARD_HEADERS: ${reserved.join(', ')} cannot be forwarded from clients (identity and hop-by-hop headers are set by the gateway)`);
  }
  if (e.NODE_ENV === 'production' && e.EXPOSE_ERROR_DETAILS) {
    problems.push('EXPOSE_ERROR_DETAILS: must not be true when NODE_ENV=production (it leaks internal URLs and messages)');
  }
  if (e.SUPERGRAPH_SOURCE === 'redis' && !e.REDIS_URL) {
    problems.push('SUPERGRAPH_SOURCE: redis needs REDIS_URL');
  }
  if (e.NODE_ENV === 'production' && e.LOG_PRETTY) {
    problems.push('LOG_PRETTY: pretty logs are for development; production logs are JSON');
  }
  checkAuth(e, problems);
}

/** Symmetric algorithms go with the shared secret only, asymmetric ones with JWKS only: no key confusion. */
function checkAuth(e: Env, problems: string[]): void {
  const algorithms = e.AUTH_ALGORITHMS ?? [];
  const allowed = e.AUTH_JWKS_URL ? ALL_ASYMMETRIC : SYMMETRIC_ALGORITHMS;
  const wrong = algorithms.filter((a) => !allowed.includes(a));
  if (wrong.length > 0) {
    problems.push(`AUTH_ALGORITHMS: ${wrong.join(', ')} not allowed with ${e.AUTH_JWKS_URL ? 'AUTH_JWKS_URL' : 'AUTH_JWT_SECRET'} (allowed: ${allowed.join(', ')})`);
  }
  if (e.AUTH_ALGORITHMS && algorithms.length === 0) problems.push('AUTH_ALGORITHMS: must name at least one algorithm');
  if (e.NODE_ENV === 'production' && e.SUBGRAPH_IDENTITY_SECRET === DEV_IDENTITY_SECRET) {
    problems.push('SUBGRAPH_IDENTITY_SECRET: must be set in production (the development default is public, so anyone could forge identities)');
  }
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

/** What start-up logs: no secrets, nothing unbounded. */
export function summarizeConfig(c: Config): Record<string, unknown> {
  return {
    env: c.env,
    port: c.http.port,
    workers: c.workers,
    host: c.http.host,
    supergraph: c.supergraph,
    subgraphTimeoutMs: c.subgraphs.timeoutMs,
    resilience: c.resilience,
    urlOverrides: Object.keys(c.subgraphs.urlOverrides),
    replicas: { ...c.replicas, urlsBySubgraph: Object.fromEntries(Object.entries(c.replicas.urlsBySubgraph).map(([name, urls]) => [name, urls.length])) },
    responseHeaders: c.responseHeaders,
    introspection: c.graphql.introspection,
    sandbox: c.graphql.sandbox,
    // File paths and origins only, never key material.
    edge: {
      tls: c.edge.tls && { certFile: c.edge.tls.certFile, minVersion: c.edge.tls.minVersion, watch: Boolean(c.edge.tls.watch) },
      hsts: c.edge.hsts,
      cors: c.edge.cors && { origins: c.edge.cors.origins.map((o) => (o.kind === 'any' ? '*' : o.kind === 'exact' ? o.origin : o.source)), credentials: c.edge.cors.credentials },
      subgraphTls: c.edge.subgraphTls && { ca: Boolean(c.edge.subgraphTls.caFile), clientCert: Boolean(c.edge.subgraphTls.clientCertFile) },
    },
    // Host and port only: a Redis URL may carry a password.
    redis: c.redis ? redactUrl(c.redis.url) : 'in-memory',
    cache: {
      response: c.cache.response,
      apq: c.cache.apq,
      trustedDocuments: c.cache.trustedDocuments && { path: c.cache.trustedDocuments.manifestPath, safelist: c.cache.trustedDocuments.safelist, operations: c.cache.trustedDocuments.operations.length },
      plan: c.cache.plan,
    },
    limits: c.limits,
    clients: { nameClaim: c.clients.nameClaim, policies: c.clients.policies },
    // Never the secrets themselves.
    auth: {
      keys: c.auth.keys.kind === 'jwks' ? `jwks ${redactUrl(c.auth.keys.url)}` : c.auth.keys.isDevSecret ? 'dev secret' : 'secret',
      algorithms: c.auth.algorithms,
      issuer: c.auth.issuer,
      audience: c.auth.audience,
      authorizationMode: c.auth.authorizationMode,
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '[invalid]';
  }
}
