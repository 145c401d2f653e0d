import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, Kind, parse, type GraphQLSchema } from 'graphql';
import { DirectiveIndex } from '../../gateway/src/directives/directive-index';
import { actualCost } from '../../gateway/src/limits/cost-actual';
import { estimateCost } from '../../gateway/src/limits/cost-estimate';
import { CostEstimateError } from '../../gateway/src/limits/cost-rules';
import { costRulesFrom } from '../../gateway/src/limits/directive-rules';
import { registerEnforcedSecurityFeatures } from '../../gateway/src/auth/security-features';

// The gateway registers the security features it enforces before reading a supergraph; so do these tests.
registerEnforcedSecurityFeatures();

const ROOT = path.resolve(__dirname, '../..');
const LINK = '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])';

/** A supergraph as the gateway sees it: composed, then the API schema plus the directive index. */
interface Graph {
  schema: GraphQLSchema;
  index: DirectiveIndex;
}

function graphFromSupergraph(supergraphSdl: string): Graph {
  return {
    schema: Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema(),
    index: DirectiveIndex.fromSupergraphSdl(supergraphSdl),
  };
}

function compose(sdl: string): Graph {
  const result = composeServices([{ name: 'books', typeDefs: parse(`extend schema ${LINK}\n${sdl}`), url: 'http://books' }]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return graphFromSupergraph(result.supergraphSdl);
}

function estimate(graph: Graph, query: string, variables: Record<string, unknown> = {}, defaultListSize = 10): number {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return estimateCost({ schema: graph.schema, document, operation, variables, rules: costRulesFrom(graph.index), defaultListSize });
}

function actual(graph: Graph, query: string, data: unknown, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return actualCost({ schema: graph.schema, document, operation, variables, rules: costRulesFrom(graph.index), data });
}

// Apollo Router's documentation, "Demand Control › Calculating cost": the book schema and its operations.
const BOOK_TYPES = (addressCost: string) => `
  type Query {
    book(id: ID): Book
    bestsellers: [Book] @listSize(assumedSize: 5)
    newestAdditions(after: ID, limit: Int!): [Book] @listSize(slicingArguments: ["limit"])
  }
  type Book { title: String author: Author publisher: Publisher }
  type Author { name: String }
  type Publisher { name: String address: Address }
  type Address ${addressCost} { zipCode: Int! }
`;
const BOOK_SELECTION = 'title author { name } publisher { name address { zipCode } }';
const BOOK_QUERY = `query BookQuery { book(id: 1) { ${BOOK_SELECTION} } }`;

describe('estimateCost: Apollo Router documented examples', () => {
  const plain = compose(BOOK_TYPES(''));
  const weighted = compose(BOOK_TYPES('@cost(weight: 5)'));

  it('when every type has its default weight, then BookQuery costs 4', () => {
    expect(estimate(plain, BOOK_QUERY)).toBe(4);
  });

  it('when Address carries @cost(weight: 5), then BookQuery costs 8', () => {
    expect(estimate(weighted, BOOK_QUERY)).toBe(8);
  });

  it('when bestsellers has @listSize(assumedSize: 5), then BestsellersQuery costs 40', () => {
    expect(estimate(weighted, `query BestsellersQuery { bestsellers { ${BOOK_SELECTION} } }`)).toBe(40);
  });

  it('when newestAdditions is sliced by limit: 3, then it costs 24, and 56 with limit: 7', () => {
    expect(estimate(weighted, `query NewestAdditions { newestAdditions(limit: 3) { ${BOOK_SELECTION} } }`)).toBe(24);
    expect(estimate(weighted, `query NewestAdditions { newestAdditions(limit: 7) { ${BOOK_SELECTION} } }`)).toBe(56);
  });

  it('when the slicing argument is a variable, then its value is used', () => {
    const query = `query NewestAdditions($n: Int!) { newestAdditions(limit: $n) { ${BOOK_SELECTION} } }`;
    expect(estimate(weighted, query, { n: 3 })).toBe(24);
  });
});

describe('estimateCost: the rules', () => {
  const graph = compose(`
    type Query {
      shelf: [Book]
      search(first: Int = 20, last: Int, filter: Filter @cost(weight: 3)): [Book] @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
      page(first: Int!): BookPage @listSize(slicingArguments: ["first"], sizedFields: ["items"])
      exactlyOne(first: Int, last: Int): [Book] @listSize(slicingArguments: ["first", "last"])
      genre: Genre
    }
    type Mutation { addBook(input: BookInput!): Book @cost(weight: 7) }
    type Book { title: String @cost(weight: 2) chapters: [Chapter] @listSize(assumedSize: 4) genre: Genre }
    type Chapter { title: String }
    type BookPage { items: [Book] total: Int }
    enum Genre @cost(weight: 2) { NOVEL POETRY }
    input Filter { text: String tags: [String] }
    input BookInput { title: String! tags: [String!] }
  `);

  it('when a mutation is costed, then its base cost is 10 plus its fields and arguments', () => {
    // 10 (mutation) + addBook @cost 7 + title @cost 2 + BookInput argument (input object 1)
    expect(estimate(graph, 'mutation { addBook(input: { title: "x" }) { title } }')).toBe(20);
  });

  it('when a list has no @listSize, then the configured default size multiplies it', () => {
    expect(estimate(graph, '{ shelf { title } }', {}, 10)).toBe(30);
    expect(estimate(graph, '{ shelf { title } }', {}, 2)).toBe(6);
  });

  it('when lists are nested, then their sizes multiply', () => {
    // 10 books × (1 + 4 chapters × 1)
    expect(estimate(graph, '{ shelf { chapters { title } } }')).toBe(50);
  });

  it('when several slicing arguments are given, then the largest wins; absent ones take their schema default', () => {
    expect(estimate(graph, '{ search(first: 2, last: 6) { __typename } }')).toBe(6);
    expect(estimate(graph, '{ search { __typename } }')).toBe(20);
  });

  it('when an argument carries @cost or is an input object, then its cost is added once, not per list item', () => {
    // 20 books × 1 + filter (input object 3 via @cost) + nothing for its scalar fields
    expect(estimate(graph, '{ search(filter: { text: "a" }) { __typename } }')).toBe(23);
    expect(estimate(graph, 'query($f: Filter) { search(filter: $f) { __typename } }', { f: { text: 'a' } })).toBe(23);
  });

  it('when @listSize names sizedFields, then the slicing argument sizes that child list', () => {
    // BookPage 1 + 5 items × 1 + total 0
    expect(estimate(graph, '{ page(first: 5) { items { __typename } total } }')).toBe(6);
  });

  it('when requireOneSlicingArgument is left at its default and two are given, then the estimate is refused', () => {
    expect(() => estimate(graph, '{ exactlyOne(first: 1, last: 2) { __typename } }')).toThrow(CostEstimateError);
    expect(estimate(graph, '{ exactlyOne(first: 3) { __typename } }')).toBe(3);
  });

  it('when a scalar or enum type carries @cost, then fields of that type cost its weight', () => {
    expect(estimate(graph, '{ genre }')).toBe(2);
  });

  it('when the selection goes through named and inline fragments, then they cost what the fields cost', () => {
    const direct = estimate(graph, '{ shelf { title chapters { title } } }');
    const viaFragments = estimate(graph, '{ shelf { ...B } } fragment B on Book { title ... on Book { chapters { title } } }');
    expect(viaFragments).toBe(direct);
  });

  it('when @skip or @include remove a field, then it costs nothing', () => {
    expect(estimate(graph, 'query($s: Boolean!) { shelf @skip(if: $s) { title } genre }', { s: true })).toBe(2);
    expect(estimate(graph, '{ shelf @include(if: false) { title } }')).toBe(0);
  });

  it('when only introspection is selected, then it costs nothing (the gateway answers it itself)', () => {
    expect(estimate(graph, '{ __typename __schema { types { name } } }')).toBe(0);
  });

  it('when fragments spread each other exponentially, then each fragment is scored once', () => {
    // Arrange: F0 spreads F1 twice, F1 spreads F2 twice, …: a naive walk scores the last one 2^(levels-1) times.
    // Counting reads of its selection set (not timing the walk) makes a lost memo fail instead of hang or flake.
    const levels = 16;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Book { title }` : `fragment F${i} on Book { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const document = parse(`{ shelf { ...F0 } } ${fragments}`);
    const last = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === `F${levels - 1}`)!;
    let reads = 0;
    const selectionSet = (last as { selectionSet: unknown }).selectionSet;
    Object.defineProperty(last, 'selectionSet', { get: () => ((reads += 1), selectionSet) });
    const operation = getOperationAST(document)!;

    // Act
    const cost = estimateCost({ schema: graph.schema, document, operation, variables: {}, rules: costRulesFrom(graph.index), defaultListSize: 10 });

    // Assert
    expect(cost).toBe(10 * (1 + 2 * 2 ** (levels - 1)));
    expect(reads).toBe(1);
  });
});

describe('estimateCost: abstract types', () => {
  // The shape of issue #12's report: an interface list, each concrete type selecting its own list.
  const graph = compose(`
    type Query { accounts: [Account] search: [Result] }
    interface Account { id: ID! similarAccounts: [Account] }
    type User implements Account { id: ID! similarAccounts: [Account] friends: [User] }
    type Admin implements Account { id: ID! similarAccounts: [Account] audit: [Entry] @listSize(assumedSize: 50) }
    type Entry { id: ID! }
    union Result = User | Entry
  `);

  it('when inline fragments select on each concrete type, then the costliest type counts, not the sum', () => {
    const query = `{ accounts {
      ... on User { id similarAccounts { ... on User { id } ... on Admin { id } } }
      ... on Admin { id similarAccounts { ... on User { id } ... on Admin { id } } }
    } }`;
    // 10 accounts × (1 + one of the two branches: similarAccounts 10 × 1) = 110 (the sum gave 4,210 at depth 3).
    expect(estimate(graph, query)).toBe(110);
  });

  it('when the branches cost differently, then the most expensive one is what counts', () => {
    // Admin: audit 50 × 1 = 50; User: friends 10 × 1 = 10 → 10 × (1 + 50).
    expect(estimate(graph, '{ accounts { ... on User { friends { id } } ... on Admin { audit { id } } } }')).toBe(510);
  });

  it('when fields are selected on the interface itself as well, then they count for every type, plus the costliest branch', () => {
    // 10 × (1 + similarAccounts 10 + max(User friends 10, Admin audit 50))
    expect(estimate(graph, '{ accounts { similarAccounts { id } ... on User { friends { id } } ... on Admin { audit { id } } } }')).toBe(610);
  });

  it('when two fragments apply to the same concrete type, then both count for it', () => {
    // User gets both fragments: 10 + 10; Admin none → 10 × (1 + 20).
    const query = '{ accounts { ... on User { friends { id } } ...U } } fragment U on User { friends2: friends { id } }';
    expect(estimate(graph, query)).toBe(210);
  });

  it('when a union is selected with named fragments per member, then the costliest member counts', () => {
    const query = '{ search { ...E ...U } } fragment E on Entry { id } fragment U on User { friends { id } }';
    // 10 × (1 + max(Entry 0, User 10))
    expect(estimate(graph, query)).toBe(110);
  });
});

describe('actualCost', () => {
  const graph = compose(BOOK_TYPES('@cost(weight: 5)'));
  const query = `query { bestsellers { ${BOOK_SELECTION} } }`;
  const book = { title: 't', author: { name: 'a' }, publisher: { name: 'p', address: { zipCode: 1 } } };

  it('when every list is as long as assumed, then the actual cost equals the estimate', () => {
    expect(actual(graph, query, { bestsellers: [book, book, book, book, book] })).toBe(estimate(graph, query));
  });

  it('when lists are shorter and objects null, then only what came back is counted', () => {
    expect(actual(graph, query, { bestsellers: [book, { ...book, publisher: null }] })).toBe(8 + 2);
    expect(actual(graph, query, null)).toBe(0);
  });

  it('when the operation is a mutation, then the base cost is counted too', () => {
    const g = compose('type Query { x: Int } type Mutation { touch: Book } type Book { title: String }');
    expect(actual(g, 'mutation { touch { title } }', { touch: { title: 'x' } })).toBe(11);
  });
});

describe('the profile query', () => {
  const graph = graphFromSupergraph(readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8'));
  const profile = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');

  it('when costed against the committed supergraph, then it is 22, far below the default maximum of 1000', () => {
    // user 1 + orders 5 × (order 1 + payment 1) + payments 5 × 1 + paymentMethods 3 × 1 + wishlist 1 + reviewStats (@cost) 2
    expect(estimate(graph, profile, { id: '1' })).toBe(22);
  });
});
