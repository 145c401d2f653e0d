import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, parse } from 'graphql';
import { DirectiveIndex } from '../../gateway/src/directives/directive-index';
import { rateLimitRuleAt } from '../../gateway/src/limits/directive-rules';
import { rateLimitHeaders, retryAfterSeconds } from '../../gateway/src/limits/rate-limit-headers';
import { selectedRateLimits } from '../../gateway/src/limits/rate-limit-rules';
import { give, take } from '../../gateway/src/limits/token-bucket';
import { registerEnforcedSecurityFeatures } from '../../gateway/src/auth/security-features';

// The gateway registers the security features it enforces before reading a supergraph; so do these tests.
registerEnforcedSecurityFeatures();

const SDL = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective"])
    @link(url: "https://frontdoor.dev/rate-limit/v1.0", import: [{ name: "@rateLimit", as: "@limit" }])
    @composeDirective(name: "@limit")
  directive @limit(limit: Int!, duration: Int!) on FIELD_DEFINITION | OBJECT
  type Query { search(q: String): [Item] @limit(limit: 5, duration: 60) item: Item stats: Stats }
  type Mutation { buy(id: ID!): Item @limit(limit: 1, duration: 10) }
  type Item { id: ID! name: String }
  type Stats @limit(limit: 3, duration: 30) { count: Int total: Int @limit(limit: 9, duration: 60) }
`;

const result = composeServices([{ name: 'shop', typeDefs: parse(SDL), url: 'http://shop' }]);
if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
const supergraph = result.supergraphSdl;
const schema = Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema();
const ruleAt = rateLimitRuleAt(DirectiveIndex.fromSupergraphSdl(supergraph));

function limitsOf(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return selectedRateLimits({ schema, document, operation, variables, ruleAt }).sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

describe('selectedRateLimits', () => {
  it('when a @rateLimit field is composed under a renamed import, then it is found with its limit and window', () => {
    expect(limitsOf('{ search { id } item { id } }')).toEqual([{ coordinate: 'Query.search', limit: 5, duration: 60, count: 1 }]);
  });

  it('when the same field is selected under several aliases or through fragments, then every selection counts', () => {
    expect(limitsOf('mutation { a: buy(id: 1) { id } b: buy(id: 2) { ...F } } fragment F on Item { id }')).toEqual([
      { coordinate: 'Mutation.buy', limit: 1, duration: 10, count: 2 },
    ]);
    expect(limitsOf('{ ...Q ...Q } fragment Q on Query { search { id } }')[0]?.count).toBe(2);
  });

  it('when a type carries @rateLimit, then each of its fields is limited separately and a field-level limit wins', () => {
    expect(limitsOf('{ stats { count total } }')).toEqual([
      { coordinate: 'Stats.count', limit: 3, duration: 30, count: 1 },
      { coordinate: 'Stats.total', limit: 9, duration: 60, count: 1 },
    ]);
  });

  it('when @skip removes a limited field, then it consumes nothing', () => {
    expect(limitsOf('query($s: Boolean!) { search @skip(if: $s) { id } }', { s: true })).toEqual([]);
  });
});

describe('rateLimitHeaders', () => {
  it('when several limits applied, then the headers describe the one closest to running out', () => {
    const headers = rateLimitHeaders([
      { allowed: true, limit: 600, remaining: 590, resetMs: 50_000, windowSeconds: 60 },
      { allowed: true, limit: 5, remaining: 1, resetMs: 12_300, windowSeconds: 60 },
    ]);
    expect(headers).toEqual({ 'ratelimit-limit': '5', 'ratelimit-remaining': '1', 'ratelimit-reset': '13', 'ratelimit-policy': '5;w=60' });
  });

  it('when nothing was limited, then there are no headers; Retry-After is never 0', () => {
    expect(rateLimitHeaders([])).toEqual({});
    expect(retryAfterSeconds(0)).toBe('1');
    expect(retryAfterSeconds(1001)).toBe('2');
  });
});

describe('token bucket', () => {
  const shape = { capacity: 100, restorePerSecond: 10 };

  it('when a new caller takes points, then the bucket starts full', () => {
    expect(take(undefined, 30, 0, shape)).toMatchObject({ allowed: true, available: 70, retryAfterMs: 0 });
  });

  it('when the bucket lacks points, then nothing is taken and the wait until enough have been restored is given', () => {
    const empty = take(undefined, 95, 0, shape).state;
    const refused = take(empty, 20, 0, shape);
    expect(refused).toMatchObject({ allowed: false, available: 5, retryAfterMs: 1500 });
    expect(take(refused.state, 20, 1500, shape)).toMatchObject({ allowed: true, available: 0 });
  });

  it('when time passes or points are given back, then the bucket refills but never above capacity', () => {
    const low = take(undefined, 90, 0, shape).state;
    expect(take(low, 0, 2000, shape).available).toBe(30);
    expect(give(low, 500, 0, shape).tokens).toBe(100);
  });
});
