import { z } from 'zod';
import { bool, int } from '../env-values';

/** Rate limits, demand control, cost budgets and operation limits, merged into config.ts's one schema. docs/configuration.md documents each. */
export const LIMITS_ENV = {
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
};

const LimitsEnvSchema = z.object(LIMITS_ENV);
type LimitsEnv = z.output<typeof LimitsEnvSchema>;

/** Everything that protects the subgraphs from abuse; see gateway/src/limits/. */
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

export function toLimitsConfig(e: LimitsEnv, production: boolean): LimitsConfig {
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
