import fc from 'fast-check';
import { oddString } from './json-values';

/**
 * Operation documents for the fuzz: valid ones of our supergraph (so requests get past parsing
 * and validation into limits, planning and subgraphs), broken ones, and hostile ones.
 */

/** Valid against supergraph.graphql; some need variables (sent sometimes right, sometimes wrong). */
export const VALID_DOCUMENTS: readonly string[] = [
  '{ __typename }',
  '{ user(id: "1") { id name } }',
  'query Profile($id: ID!) { user(id: $id) { id name email orders(first: 5) { id total status payment { status } } payments(first: 5) { id amount } paymentMethods { id brand } wishlist { count } reviewStats { count averageRating } } }',
  'query Users($n: Int) { users(first: $n) { edges { node { id orders(first: $n) { id items { sku } } reviews(first: $n) { id } } } pageInfo { hasNextPage endCursor } } }',
  '{ users(first: 100) { edges { node { id orders(first: 100) { id items { sku } payment { status } } reviews(first: 100) { id } } } } }',
  'query A { __typename } query B { user(id: "2") { id } }',
  'query Skip($s: Boolean!) { user(id: "1") { id name @skip(if: $s) wishlist @include(if: $s) { count } } }',
  'fragment F on User { id name } query Q { user(id: "1") { ...F ... on User { createdAt } } }',
  'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id total items { sku quantity } } }',
  'mutation { placeOrder(input: { items: [{ sku: "SKU-001", quantity: 1 }] }) { id } }',
  'mutation Review($input: AddReviewInput!) { addReview(input: $input) { id rating } }',
  'mutation Wish($u: ID!, $sku: String!, $name: String!) { addToWishlist(userId: $u, sku: $sku, name: $name) { count } }',
  'mutation { removeFromWishlist(userId: "1", itemId: "w-1-999") { count } }',
  '{ order(id: "o-1-1") { id total items { sku } } }',
  '{ __schema { queryType { name } types { name fields { name } } } }',
  '{ __type(name: "User") { name fields { name type { name kind } } } }',
  '{ a: user(id: "1") { id } b: user(id: "2") { id } c: user(id: "3") { id } }',
  'subscription { __typename }',
  '{ user(id: "1") { orders(first: -1) { id } } }',
  '{ users(first: 2147483647) { edges { node { id } } } }',
];

/**
 * Subscriptions, valid and not: the doors that stream (WebSocket, multipart, SSE) start the valid
 * ones; the rest must be refused in the table's terms. @skip/@include on the root field is
 * invalid (a subscription has one root field, known before its variables).
 */
export const SUBSCRIPTION_DOCUMENTS: readonly string[] = [
  'subscription { reviewAdded { id } }',
  'subscription { reviewAdded(productSku: "SKU-001") { id rating body author { id name } } }',
  'subscription OnOrder { orderStatusChanged { id status total payment { status } } }',
  'subscription { orderStatusChanged(userId: "2") { id status } }',
  'subscription ($u: ID) { orderStatusChanged(userId: $u) { id status } }',
  'subscription { orderStatusChanged(orderId: "1") { id status } }',
  'subscription { r: reviewAdded { id } }',
  'subscription { ... on Subscription { reviewAdded { id } } }',
  'subscription S { ...F } fragment F on Subscription { reviewAdded { id rating } }',
  'subscription { reviewAdded { id } orderStatusChanged { id } }',
  'subscription { reviewAdded @skip(if: true) { id } }',
  'subscription { reviewAdded @include(if: false) { id } }',
  'subscription { reviewAdded @include(if: true) { id } }',
  'subscription Skip($s: Boolean!) { reviewAdded @skip(if: $s) { id } }',
  'subscription ($s: Boolean = false) { reviewAdded @skip(if: $s) { id } }',
  'subscription { reviewAdded @skip(if: $undeclared) { id } }',
  'subscription { reviewAdded @skip { id } }',
  'subscription { reviewAdded @include(if: "yes") { id } }',
  'subscription { ... on Subscription @skip(if: true) { reviewAdded { id } } }',
  'subscription { ...F @include(if: false) } fragment F on Subscription { reviewAdded { id } }',
  'subscription { ...F } fragment F on Subscription { reviewAdded @skip(if: false) { id } }',
  'subscription { reviewAdded { id @skip(if: true) rating } }',
  'subscription A { reviewAdded { id } } subscription B { orderStatusChanged { id } }',
  'subscription { __typename }',
  'subscription { reviewAdded { ... @defer { rating } id } }',
];

/** @defer queries: streamed as multipart to clients that ask for deferSpec=20220824, whole JSON to the rest. */
export const DEFER_DOCUMENTS: readonly string[] = [
  'query D($id: ID!) { user(id: $id) { id name ... @defer(label: "orders") { orders(first: 2) { id total payment { status } } } } }',
  '{ user(id: "1") { id ... @defer { reviewStats { count } } ... @defer(label: "w") { wishlist { count } } } }',
  '{ user(id: "1") { id ... @defer(if: false) { name } } }',
  'query ($on: Boolean!) { user(id: "2") { id ... @defer(if: $on, label: "n") { name orders(first: 1) { id ... @defer { payment { status } } } } } }',
  '{ users(first: 2) { edges { node { id ... @defer { name } } } } }',
  'mutation { placeOrder(input: { items: [{ sku: "SKU-001", quantity: 1 }] }) { id ... @defer { total } } }',
  '{ user(id: "1") { id ... @defer(label: 1) { name } } }',
  '{ __schema { queryType { name } } user(id: "1") { id ... @defer { name } } }',
];

export const VARIABLE_SHAPES: readonly Record<string, unknown>[] = [
  { id: '1' },
  { n: 3 },
  { s: true },
  { input: { items: [{ sku: 'SKU-001', quantity: 2 }] } },
  { input: { productSku: 'SKU-002', rating: 4, body: 'fine' } },
  { u: '1', sku: 'SKU-003', name: 'Lamp' },
  { s: false },
  { on: true },
  { u: '2' },
];

/** GraphQL tokens, glued at random: mostly parse errors, sometimes something valid. */
const TOKENS = [
  '{', '}', '(', ')', '[', ']', ':', '!', '$id', '$n', '...', '@skip(if: true)', '@include(if: $s)', '=', '|', '&',
  'query', 'mutation', 'subscription', 'fragment', 'on', 'F', 'User', 'Query', 'user', 'users', 'id', 'name', 'orders',
  '__typename', '__schema', 'first:', '1', '-1', '1.5e999', '"1"', '"""block"""', 'true', 'null', '#c\n', ',', 'ID!', 'Int',
  'reviewAdded', 'orderStatusChanged', '@defer', '@skip(if: $s)', 'Subscription',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(' '));

/** A valid document with a few characters inserted or removed. */
const mutated = fc
  .tuple(fc.constantFrom(...VALID_DOCUMENTS), fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 3 }))
  .map(([doc, at, remove, insert]) => {
    const i = at % (doc.length + 1);
    return doc.slice(0, i) + insert + doc.slice(i + remove);
  });

/** Depth, alias, directive and fragment bombs, and documents just over or under the token limit. */
const hostile = fc.oneof(
  fc.integer({ min: 2, max: 300 }).map((d) => `{ __type(name: "User") { ${'fields { type { ofType { '.repeat(d)}name${' } } }'.repeat(d)} } }`),
  fc.integer({ min: 10, max: 5_000 }).map((d) => `${'{ __typename '.repeat(d)}${'}'.repeat(d)}`),
  fc.integer({ min: 10, max: 3_000 }).map((d) => `${'{'.repeat(d)}${'}'.repeat(d)}`),
  fc.integer({ min: 10, max: 1_500 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`),
  fc.integer({ min: 6, max: 500 }).map((n) => `{ __typename ${'@skip(if: false) '.repeat(n)}}`),
  fc.integer({ min: 2, max: 200 }).map((n) => `query { ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { __typename ${i + 1 < n ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}`),
  fc.constant('fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'),
  fc.integer({ min: 0, max: 5_000 }).map((n) => `{ users(first: ${n}) { edges { node { orders(first: ${n}) { payment { status } } reviews(first: ${n}) { id } wishlist { items(first: ${n}) { id } } } } } }`),
  oddString.map((s) => `{ user(id: ${JSON.stringify(s)}) { id name } }`),
  oddString.map((s) => `{ user(id: "1") { ${s} } }`),
  fc.integer({ min: 1, max: 100 }).map((n) => `query ${'Q'.repeat(n * 100)} { __typename }`),
);

export const documentText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...VALID_DOCUMENTS) },
  { weight: 2, arbitrary: fc.constantFrom(...SUBSCRIPTION_DOCUMENTS, ...DEFER_DOCUMENTS) },
  { weight: 2, arbitrary: tokenSoup },
  { weight: 2, arbitrary: mutated },
  { weight: 3, arbitrary: hostile },
  { weight: 1, arbitrary: oddString },
);

/** The names a document might be asked to run, right or wrong. */
export const operationNameValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('A', 'B', 'C', 'Profile', 'Users', 'Place', 'Q', 'IntrospectionQuery', 'S', 'Skip', 'OnOrder', 'D'),
  oddString,
);
