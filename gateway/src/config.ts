import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

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
  /** Supergraph SDL file (composed by `npm run compose`). Relative paths resolve against the working directory. @default <repo>/supergraph.graphql */
  SUPERGRAPH_PATH: z.string().min(1).default(path.join(REPO_ROOT, 'supergraph.graphql')),
  /** Swap the schema when the supergraph file changes (hot reload). @default true */
  SUPERGRAPH_WATCH: bool.default(true),
  /** Time limit for one subgraph call, in milliseconds. @default 5000 */
  SUBGRAPH_TIMEOUT_MS: int(1, 600_000).default(5000),
  /** Keep-alive connections per subgraph origin. @default 64 */
  SUBGRAPH_MAX_CONNECTIONS: int(1, 10_000).default(64),
  /** Largest accepted request body, in bytes; larger → 413. @default 1048576 (1 MiB) */
  MAX_BODY_BYTES: int(1, 100 * 1024 * 1024).default(1024 * 1024),
  /** Believe the first X-Forwarded-For entry as the client IP (only behind a proxy that sets it). @default false */
  TRUST_PROXY: bool.default(false),
  /** Client request headers copied to every subgraph call (comma-separated). Identity headers can never be listed. @default accept-language */
  FORWARD_HEADERS: headerList.default(['accept-language']),
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
  /** Redis for state shared by every instance (limits, revocations, caches). Unset → in-memory stores (one instance only). @default unset */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Prefix of every key the gateway writes, so several deployments (or tests) can share one Redis. @default frontdoor: */
  REDIS_KEY_PREFIX: z.string().max(100).default('frontdoor:'),
  /** Longest wait for one Redis command, in milliseconds; past it the feature's fail-open/closed rule applies. @default 500 */
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(500),
  /** Longest wait for a Redis connection, in milliseconds. @default 2000 */
  REDIS_CONNECT_TIMEOUT_MS: int(10, 60_000).default(2000),

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
  /** When the revocation store (Redis) fails: true accepts the token (warn logged), false answers 401. @default false */
  AUTH_REVOCATION_FAIL_OPEN: bool.default(false),
  /** `@authenticated` / `@requiresScopes` enforcement: `filter` removes unauthorized fields (null + UNAUTHORIZED_FIELD_OR_TYPE), `reject` refuses the operation (401/403). @default filter */
  AUTHZ_MODE: z.enum(['filter', 'reject']).default('filter'),
  /** HMAC secret shared with the subgraphs for the signed identity header (at least 32 characters). @default DEV_IDENTITY_SECRET (refused in production) */
  SUBGRAPH_IDENTITY_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_IDENTITY_SECRET),
});

type Env = z.infer<typeof EnvSchema>;

/** Every fixed variable name the gateway reads (README.md documents each; a test checks). */
export const ENV_KEYS: readonly string[] = [...Object.keys(EnvSchema.shape), 'CONFIG_FILE', 'SUBGRAPH_URL_<NAME>'];

export interface Config {
  env: Env['NODE_ENV'];
  http: { port: number; host: string; maxBodyBytes: number; shutdownGraceMs: number; trustProxy: boolean };
  supergraph: { path: string; watch: boolean };
  subgraphs: {
    timeoutMs: number;
    maxConnections: number;
    forwardHeaders: readonly string[];
    /** Subgraph name (lower case) → URL, overriding the supergraph's routing URL. */
    urlOverrides: Readonly<Record<string, string>>;
  };
  graphql: { introspection: boolean; sandbox: boolean; exposeErrorDetails: boolean };
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  /** `false` when REDIS_URL is unset: every store is in-memory. */
  redis: false | RedisConfig;
  auth: AuthConfig;
}

export interface AuthConfig {
  /** Where verification keys come from: the shared secret (HS*) or a JWKS URL (asymmetric). */
  keys:
    | { kind: 'secret'; secret: string; isDevSecret: boolean }
    | { kind: 'jwks'; url: string; cacheMaxAgeMs: number; cooldownMs: number; timeoutMs: number };
  algorithms: readonly string[];
  issuer: string;
  audience: string;
  clockToleranceS: number;
  maxTokenBytes: number;
  revocationFailOpen: boolean;
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
  const urlOverrides = readUrlOverrides(merged, problems);
  if (parsed.success) checkCrossField(parsed.data, problems);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(toConfig(parsed.data, urlOverrides));
}

function toConfig(e: Env, urlOverrides: Record<string, string>): Config {
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
    supergraph: { path: path.resolve(e.SUPERGRAPH_PATH), watch: e.SUPERGRAPH_WATCH },
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
    redis: e.REDIS_URL
      ? {
          url: e.REDIS_URL,
          keyPrefix: e.REDIS_KEY_PREFIX,
          commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
          connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
        }
      : false,
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
      authorizationMode: e.AUTHZ_MODE,
      identitySecret: e.SUBGRAPH_IDENTITY_SECRET,
    },
  };
}

function checkCrossField(e: Env, problems: string[]): void {
  const reserved = e.FORWARD_HEADERS.filter((h) => RESERVED_HEADER_PATTERN.test(h));
  if (reserved.length > 0) {
    problems.push(`FORWARD_HEADERS: ${reserved.join(', ')} cannot be forwarded from clients (identity and hop-by-hop headers are set by the gateway)`);
  }
  if (e.NODE_ENV === 'production' && e.EXPOSE_ERROR_DETAILS) {
    problems.push('EXPOSE_ERROR_DETAILS: must not be true when NODE_ENV=production (it leaks internal URLs and messages)');
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

const URL_OVERRIDE_PREFIX = 'SUBGRAPH_URL_';

function readUrlOverrides(env: Record<string, unknown>, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(URL_OVERRIDE_PREFIX) || value === undefined) continue;
    const name = key.slice(URL_OVERRIDE_PREFIX.length).toLowerCase();
    const url = String(value);
    if (!name) problems.push(`${key}: needs a subgraph name after ${URL_OVERRIDE_PREFIX}`);
    else if (!isHttpUrl(url)) problems.push(`${key}: must be an http(s) URL (got ${JSON.stringify(url)})`);
    else out[name] = url;
  }
  return out;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
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
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
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
    host: c.http.host,
    supergraph: c.supergraph,
    subgraphTimeoutMs: c.subgraphs.timeoutMs,
    urlOverrides: Object.keys(c.subgraphs.urlOverrides),
    introspection: c.graphql.introspection,
    sandbox: c.graphql.sandbox,
    // Host and port only: a Redis URL may carry a password.
    redis: c.redis ? redactUrl(c.redis.url) : 'in-memory',
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
