import { checkGraphQLRequest } from '../../gateway/src/limits/request-checks';
import { subscriptionRootDirectiveError } from '../../gateway/src/subscriptions/root-field-rule';

const MAX_TOKENS = 10_000;

describe('subscriptionRootDirectiveError', () => {
  it.each([
    ['on the root field, with a variable', 'subscription S($s: Boolean!) { reviewAdded @skip(if: $s) { id } }'],
    ['on the root field, literal', 'subscription { reviewAdded @include(if: true) { id } }'],
    ['on the root field, without its argument', 'subscription { reviewAdded @skip { id } }'],
    ['on an inline fragment at the root', 'subscription { ... on Subscription @skip(if: false) { reviewAdded { id } } }'],
    ['on a fragment spread at the root', 'subscription { ...F @include(if: $x) } fragment F on Subscription { reviewAdded { id } }'],
    ['inside a fragment spread at the root', 'subscription { ...F } fragment F on Subscription { reviewAdded @skip(if: true) { id } }'],
    ['on the second subscription of the document', 'subscription A { reviewAdded { id } } subscription B { reviewAdded @skip(if: true) { id } }'],
  ])('when @skip/@include is %s, then the subscription is invalid', (_case, query) => {
    expect(subscriptionRootDirectiveError(query, MAX_TOKENS)).toMatch(/must not use @skip or @include on its root selections/);
  });

  it.each([
    ['on a nested field', 'subscription { reviewAdded { id @skip(if: true) rating } }'],
    ['in a query', 'query Q($s: Boolean!) { user(id: "1") { id @skip(if: $s) } } subscription { reviewAdded { id } }'],
    ['absent', 'subscription { reviewAdded { id } }'],
    ['in a document that does not parse (Apollo Server reports it)', 'subscription { reviewAdded @skip(if: true) {'],
    ['in a fragment cycle (reported by graphql-js, never looped on)', 'subscription { ...A } fragment A on Subscription { ...B } fragment B on Subscription { ...A }'],
  ])('when @skip/@include is %s, then this rule says nothing', (_case, query) => {
    expect(subscriptionRootDirectiveError(query, MAX_TOKENS)).toBeUndefined();
  });

  it('when a request carries such a subscription, then the HTTP checks refuse it with GRAPHQL_VALIDATION_FAILED before Apollo Server validates', () => {
    const rejection = checkGraphQLRequest({ query: 'subscription { reviewAdded @skip(if: true) { id } }' }, '', { maxTokens: MAX_TOKENS, batching: false });
    expect(rejection).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', extensions: {}, message: 'Anonymous Subscription must not use @skip or @include on its root selections.' });
  });
});
