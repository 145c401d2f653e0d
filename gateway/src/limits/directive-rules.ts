import type { DirectiveIndex } from '../directives/directive-index';
import type { CostRules, ListSizeRule } from './cost-rules';
import type { RateLimitRule } from './rate-limit-rules';

/**
 * Adapters from the supergraph's DirectiveIndex (rebuilt on every load and hot reload) to the
 * lookups the pure calculators take. The index keeps arguments as written, so a missing
 * argument stays undefined here and the calculators apply the spec defaults.
 */
export function costRulesFrom(index: DirectiveIndex): CostRules {
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
  return (coordinate) => {
    const args = index.find(coordinate, 'rateLimit')?.args;
    const limit = args?.limit;
    const duration = args?.duration;
    return typeof limit === 'number' && typeof duration === 'number' && limit > 0 && duration > 0 ? { limit, duration } : undefined;
  };
}

/** A `[String!]` argument; GraphQL input coercion lets a single string stand for a one-item list. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}
