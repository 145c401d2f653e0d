/**
 * Environment for a standalone subgraph process (`subgraphs/<name>/main.ts`). Plain parsing, no schema
 * library: nine variables do not need one. Unset or empty → default; set but invalid → collected, and
 * one ConfigError lists every bad variable.
 */
import { DEV_IDENTITY_SECRET } from './identity';
import { DEFAULT_SEED_USERS } from './seed';

export interface SubgraphConfig {
  /** PORT. @default the subgraph's entry in DEFAULT_SUBGRAPH_PORTS (4001–4005) */
  readonly port: number;
  /** HOST. @default '127.0.0.1' */
  readonly host: string;
  /** SUBGRAPH_LATENCY_MS: artificial delay per request, in ms. @default 0 (off) */
  readonly latencyMs: number;
  /** LOG_LEVEL: a pino level. @default 'info' */
  readonly logLevel: string;
  /** SEED_USERS: number of seeded users ("1".."N"). @default 1000 */
  readonly seedUsers: number;
  /** SUBGRAPH_IDENTITY_SECRET: HMAC secret shared with the gateway (≥ 32 characters). @default DEV_IDENTITY_SECRET (refused when NODE_ENV=production) */
  readonly identitySecret: string;
  /** REDIS_URL: events go through Redis pub/sub (every replica's subscribers see every replica's mutations), and idempotent mutations keep their records there (shared by the subgraph's replicas). @default unset (in memory, one process) */
  readonly redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: prefix of the subgraph's Redis keys and pub/sub channels (`<prefix>events:…`, `<prefix><subgraph>:idempotency:…`). @default 'frontdoor:' */
  readonly redisKeyPrefix: string;
  /** ORDER_PROGRESSION_MS (orders): placed orders move PENDING → PAID → SHIPPED → DELIVERED this often, in ms. @default 0 (off; `npm start` sets 15000) */
  readonly orderProgressionMs: number;
  /** IDEMPOTENCY_TTL_S: how long a mutation's first result answers repeats of its key, in seconds. @default 86400 */
  readonly idempotencyTtlS: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadSubgraphConfig(env: Env, defaults: { port: number }): SubgraphConfig {
  const issues: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = parse(raw);
    if (value === undefined) issues.push(`${name}: expected ${expected}, got "${raw}"`);
    return value ?? fallback;
  };

  const config: SubgraphConfig = {
    port: read('PORT', defaults.port, integerIn(0, 65535), 'an integer 0–65535'),
    host: read('HOST', '127.0.0.1', (raw) => raw, 'a host name or address'),
    latencyMs: read('SUBGRAPH_LATENCY_MS', 0, integerIn(0, 60_000), 'an integer 0–60000 (ms)'),
    logLevel: read('LOG_LEVEL', 'info', (raw) => (LOG_LEVELS.includes(raw) ? raw : undefined), LOG_LEVELS.join('|')),
    seedUsers: read('SEED_USERS', DEFAULT_SEED_USERS, integerIn(1, 1_000_000), 'an integer 1–1000000'),
    identitySecret: read('SUBGRAPH_IDENTITY_SECRET', DEV_IDENTITY_SECRET, (raw) => (raw.length >= 32 ? raw : undefined), 'at least 32 characters'),
    redisUrl: read<string | undefined>('REDIS_URL', undefined, (raw) => (/^rediss?:\/\//.test(raw) ? raw : undefined), 'a redis:// or rediss:// URL'),
    redisKeyPrefix: read('REDIS_KEY_PREFIX', 'frontdoor:', (raw) => (raw.length <= 100 ? raw : undefined), 'at most 100 characters'),
    orderProgressionMs: read('ORDER_PROGRESSION_MS', 0, integerIn(0, 86_400_000), 'an integer 0–86400000 (ms)'),
    idempotencyTtlS: read('IDEMPOTENCY_TTL_S', 86_400, integerIn(1, 30 * 86_400), 'an integer 1–2592000 (s)'),
  };
  if (env['NODE_ENV'] === 'production' && config.identitySecret === DEV_IDENTITY_SECRET) {
    issues.push('SUBGRAPH_IDENTITY_SECRET: must be set in production (the development default is public)');
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(config);
}

function integerIn(min: number, max: number): (raw: string) => number | undefined {
  return (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const value = Number(raw);
    return value >= min && value <= max ? value : undefined;
  };
}
