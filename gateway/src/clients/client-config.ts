import { z } from 'zod';
import type { LimitsConfig } from '../limits/limits-config';

/**
 * The client-policy variables, merged into config.ts's one EnvSchema (docs/configuration.md documents each).
 * A policy map does not fit one scalar variable: CLIENT_POLICIES is JSON in the environment, or a
 * YAML/JSON mapping under the same key in CONFIG_FILE (config.ts serialises it back to JSON).
 */
export const CLIENTS_ENV = {
  /** JSON object: client name → policy (see PolicySchema). Unset: every client gets the default policy. @default unset */
  CLIENT_POLICIES: z.string().optional(),
  /** Token claim that names the client (authenticated; wins over the `apollographql-client-name` header). @default client_name */
  CLIENT_NAME_CLAIM: z.string().min(1).max(100).default('client_name'),
};

/** Names become metric label values and Redis key parts: short, plain, never `default` or `other`. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const RESERVED_NAMES: ReadonlySet<string> = new Set(['default', 'other']);
const positiveInt = (max: number) => z.number().int().min(1).max(max);

/** One client's overrides; every field is optional and falls back to the global setting. */
const PolicySchema = z
  .object({
    /** Only a token whose CLIENT_NAME_CLAIM names this client selects the policy; the header alone does not. @default false */
    requireToken: z.boolean().optional(),
    /** Requests per caller per minute (RATE_LIMIT_PER_MINUTE). */
    rateLimitPerMinute: positiveInt(1_000_000).optional(),
    /** Largest estimated cost of one operation (COST_MAX). */
    costMax: positiveInt(100_000_000).optional(),
    /** Points in a full cost bucket (COST_BUDGET_CAPACITY). */
    costBudgetCapacity: positiveInt(100_000_000).optional(),
    /** Points restored per second (COST_BUDGET_RESTORE_PER_SECOND). */
    costBudgetRestorePerSecond: positiveInt(100_000_000).optional(),
    /** `persisted`: only operations of the trusted-documents manifest run (PERSISTED_QUERY_NOT_IN_LIST). @default any */
    operations: z.enum(['any', 'persisted']).optional(),
    /** Introspection queries (INTROSPECTION). */
    introspection: z.boolean().optional(),
  })
  .strict();

type PolicyInput = z.infer<typeof PolicySchema>;

/** A policy with every field resolved against the global settings; built once at start-up. */
export interface ClientPolicy {
  /** The configured client name, or `default`. */
  readonly name: string;
  /** Metric label value: the name, or `other` for the default policy (bounded by the config). */
  readonly label: string;
  readonly requireToken: boolean;
  /** `false` when RATE_LIMIT_ENABLED=false. */
  readonly rateLimit: false | { readonly perMinute: number };
  readonly costMax: number;
  /** `false` when COST_BUDGET_ENABLED=false. */
  readonly budget: false | { readonly capacity: number; readonly restorePerSecond: number };
  readonly operations: 'any' | 'persisted';
  readonly introspection: boolean;
  /**
   * Prepended to the caller key of the global rate limit and the cost budget. Empty unless the
   * token proves the client: a caller who merely sends a header shares one count with the default
   * policy, so switching the header can never add allowances up.
   */
  readonly keyPrefix: string;
}

export interface ClientsConfig {
  /** Token claim naming the client. */
  nameClaim: string;
  /** Every configured policy (the default not included). */
  policies: readonly ClientPolicy[];
  /** Today's global settings: unknown and unidentified clients. */
  default: ClientPolicy;
}

/** What policies fall back to: the global settings. */
export interface ClientDefaults {
  /** CLIENT_NAME_CLAIM. */
  nameClaim: string;
  limits: Pick<LimitsConfig, 'rateLimit' | 'cost' | 'budget'>;
  introspection: boolean;
  /** Whether PERSISTED_QUERIES_MANIFEST is set (`operations: persisted` needs it). */
  hasManifest: boolean;
}

/**
 * Parses and checks CLIENT_POLICIES (the raw value, so its problems are reported even when other
 * variables are bad); every problem goes to `problems` (one CONFIG_INVALID). `defaults` is
 * undefined when the rest of the environment did not parse: only the policies' own shape is
 * checked then, and nothing is returned.
 */
export function toClientsConfig(raw: unknown, defaults: ClientDefaults | undefined, problems: string[]): ClientsConfig | undefined {
  const inputs = readPolicies(raw, problems);
  if (!defaults) {
    for (const name of Object.keys(inputs)) checkName(name, problems);
    return undefined;
  }
  const base = defaultPolicy(defaults);
  const policies: ClientPolicy[] = [];
  for (const [name, input] of Object.entries(inputs)) {
    const before = problems.length;
    checkName(name, problems);
    checkPolicy(name, input, defaults, problems);
    if (problems.length === before) policies.push(resolvePolicy(name, input, base));
  }
  return { nameClaim: defaults.nameClaim, policies, default: base };
}

function checkName(name: string, problems: string[]): void {
  const at = `CLIENT_POLICIES.${name}`;
  if (!NAME_PATTERN.test(name)) problems.push(`${at}: client names are 1-64 letters, digits, '.', '_' or '-'`);
  if (RESERVED_NAMES.has(name)) problems.push(`${at}: '${name}' is reserved`);
}

function defaultPolicy(d: ClientDefaults): ClientPolicy {
  return {
    name: 'default',
    label: 'other',
    requireToken: false,
    rateLimit: d.limits.rateLimit,
    costMax: d.limits.cost.max,
    budget: d.limits.budget,
    operations: 'any',
    introspection: d.introspection,
    keyPrefix: '',
  };
}

function resolvePolicy(name: string, p: PolicyInput, base: ClientPolicy): ClientPolicy {
  const requireToken = p.requireToken ?? false;
  return {
    name,
    label: name,
    requireToken,
    rateLimit: base.rateLimit && { perMinute: p.rateLimitPerMinute ?? base.rateLimit.perMinute },
    costMax: p.costMax ?? base.costMax,
    budget: base.budget && {
      capacity: p.costBudgetCapacity ?? base.budget.capacity,
      restorePerSecond: p.costBudgetRestorePerSecond ?? base.budget.restorePerSecond,
    },
    operations: p.operations ?? 'any',
    introspection: p.introspection ?? base.introspection,
    keyPrefix: requireToken ? `client:${name}:` : '',
  };
}

function readPolicies(json: unknown, problems: string[]): Record<string, PolicyInput> {
  if (typeof json !== 'string' || json.trim() === '') return {};
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    problems.push(`CLIENT_POLICIES: not valid JSON (${(err as Error).message})`);
    return {};
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    problems.push('CLIENT_POLICIES: must be an object of client name → policy');
    return {};
  }
  const out: Record<string, PolicyInput> = {};
  for (const [name, value] of Object.entries(doc)) {
    const parsed = PolicySchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`CLIENT_POLICIES.${[name, ...issue.path].join('.')}: ${issue.message}`);
      continue;
    }
    out[name] = parsed.data;
  }
  return out;
}

/**
 * Rules that keep the header honest: the header is not authenticated, so a policy it can select
 * may only be stricter than the default. Anything more generous needs `requireToken`.
 */
function checkPolicy(name: string, p: PolicyInput, d: ClientDefaults, problems: string[]): void {
  const at = `CLIENT_POLICIES.${name}`;
  if (p.rateLimitPerMinute !== undefined && !d.limits.rateLimit) problems.push(`${at}.rateLimitPerMinute: RATE_LIMIT_ENABLED is false`);
  const setsBudget = p.costBudgetCapacity !== undefined || p.costBudgetRestorePerSecond !== undefined;
  if (setsBudget && !d.limits.budget) problems.push(`${at}.costBudgetCapacity: COST_BUDGET_ENABLED is false`);
  if (p.operations === 'persisted' && !d.hasManifest) problems.push(`${at}.operations: 'persisted' needs PERSISTED_QUERIES_MANIFEST`);
  if (p.requireToken) return;
  const looser = moreGenerousFields(p, d);
  if (looser.length > 0) {
    problems.push(`${at}: ${looser.join(', ')} more generous than the default; set requireToken: true, or any caller could claim it with a header`);
  }
}

function moreGenerousFields(p: PolicyInput, d: ClientDefaults): string[] {
  const { rateLimit, cost, budget } = d.limits;
  const out: string[] = [];
  if (rateLimit && p.rateLimitPerMinute !== undefined && p.rateLimitPerMinute > rateLimit.perMinute) out.push('rateLimitPerMinute');
  if (p.costMax !== undefined && p.costMax > cost.max) out.push('costMax');
  if (budget && p.costBudgetCapacity !== undefined && p.costBudgetCapacity > budget.capacity) out.push('costBudgetCapacity');
  if (budget && p.costBudgetRestorePerSecond !== undefined && p.costBudgetRestorePerSecond > budget.restorePerSecond) out.push('costBudgetRestorePerSecond');
  if (p.introspection === true && !d.introspection) out.push('introspection');
  return out;
}
