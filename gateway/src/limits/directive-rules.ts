import type { DirectiveIndex } from '../directives/directive-index';
import type { CostRules, ListSizeRule } from './cost-rules';
import type { RateLimitRule } from './rate-limit-rules';

/**
 * Adapters from the supergraph's DirectiveIndex (rebuilt on every load and hot reload) to the
 * lookups the pure calculators take. The index keeps arguments as written, so a missing
 * argument stays undefined here and the calculators apply the spec defaults.
 */
export function costRulesFrom(index: DirectiveIndex): CostRules {
  let rules = costRulesByIndex.get(index);
  if (!rules) costRulesByIndex.set(index, (rules = memoizedCostRules(buildCostRules(index))));
  return rules;
}

/** One rule set per index: every request asks the same coordinates, so lookups are remembered per coordinate. */
const costRulesByIndex = new WeakMap<DirectiveIndex, CostRules>();

function memoizedCostRules(rules: CostRules): CostRules {
  const weights = new Map<string, number | undefined>();
  const listSizes = new Map<string, ListSizeRule | undefined>();
  return {
    weight: (coordinate) => remember(weights, coordinate, rules.weight),
    listSize: (coordinate) => remember(listSizes, coordinate, rules.listSize),
  };
}

/** Coordinates are bounded by the schema, so these maps are too. */
function remember<T>(memo: Map<string, T>, key: string, compute: (key: string) => T): T {
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute(key);
  memo.set(key, value);
  return value;
}

function buildCostRules(index: DirectiveIndex): CostRules {
  return {
    weight(coordinate) {
      const weight = index.find(coordinate, 'cost')?.args.weight;
      return typeof weight === 'number' ? weight : undefined;
    },
    listSize(coordinate) {
      const use = index.find(coordinate, 'listSize');
      if (!use) return undefined;
      const { assumedSize, slicingArguments, sizedFields, requireOneSlicingArgument } = use.args;
      const rule: ListSizeRule = {
        ...(typeof assumedSize === 'number' ? { assumedSize } : {}),
        ...(stringList(slicingArguments) ? { slicingArguments: stringList(slicingArguments) } : {}),
        ...(stringList(sizedFields) ? { sizedFields: stringList(sizedFields) } : {}),
        ...(typeof requireOneSlicingArgument === 'boolean' ? { requireOneSlicingArgument } : {}),
      };
      return rule;
    },
  };
}

/** `@rateLimit(limit:, duration:)` at a field or type coordinate; malformed uses are ignored. */
export function rateLimitRuleAt(index: DirectiveIndex): (coordinate: string) => RateLimitRule | undefined {
  let ruleAt = rateLimitRulesByIndex.get(index);
  if (!ruleAt) {
    const rules = new Map<string, RateLimitRule | undefined>();
    const at = ruleAt = (coordinate: string) => remember(rules, coordinate, (c) => rateLimitRuleOf(index, c));
    rateLimitRulesByIndex.set(index, at);
  }
  return ruleAt;
}

const rateLimitRulesByIndex = new WeakMap<DirectiveIndex, (coordinate: string) => RateLimitRule | undefined>();

function rateLimitRuleOf(index: DirectiveIndex, coordinate: string): RateLimitRule | undefined {
  const args = index.find(coordinate, 'rateLimit')?.args;
  const limit = args?.limit;
  const duration = args?.duration;
  return typeof limit === 'number' && typeof duration === 'number' && limit > 0 && duration > 0 ? { limit, duration } : undefined;
}

/** A `[String!]` argument; GraphQL input coercion lets a single string stand for a one-item list. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}
