import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { mutationSubjects, querySubjects } from '../../gateway/src/cache/subjects';

const schema = buildASTSchema(parse(`
  type Query { user(id: ID!): User  me: User  users(first: Int): [User!]!  order(id: ID!): Order }
  type User { id: ID! name: String }
  type Order { id: ID! }
`));

function split(source: string): { op: OperationDefinitionNode; fragments: FragmentDefinitionNode[] } {
  const doc: DocumentNode = parse(source);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) throw new Error('no operation');
  return { op, fragments: doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION) };
}

describe('querySubjects', () => {
  it('when root fields return User with an id argument, then each id is a subject (literals, variables, fragments)', () => {
    const { op, fragments } = split('query Q($id: ID!) { a: user(id: $id) { id } ...F  order(id: "9") { id } users { id } }  fragment F on Query { b: user(id: "2") { id } }');
    expect(querySubjects(op, fragments, schema, { id: '1' }).sort()).toEqual(['User:1', 'User:2']);
  });

  it('when the profile operation is asked, then its subject is the requested user', () => {
    const { op, fragments } = split(readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8'));
    expect(querySubjects(op, fragments, schema, { id: '7' })).toEqual(['User:7']);
  });
});

describe('mutationSubjects', () => {
  it('when a mutation has a userId argument, then that user is the subject, not the caller', () => {
    const { op, fragments } = split('mutation M($u: ID!) { addToWishlist(userId: $u, sku: "S", name: "N") { count } }');
    expect(mutationSubjects(op, fragments, { u: '5' }, '99')).toEqual(['User:5']);
  });

  it('when the user is in the input object (literal or variable), then that user is the subject', () => {
    const literal = split('mutation { addReview(input: { userId: "6", productSku: "S", rating: 5, body: "b" }) { id } }');
    const variable = split('mutation M($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }');
    expect(mutationSubjects(literal.op, literal.fragments, undefined, null)).toEqual(['User:6']);
    expect(mutationSubjects(variable.op, variable.fragments, { input: { userId: '8', items: [] } }, null)).toEqual(['User:8']);
  });

  it('when a mutation names no user, then it acts for the caller; anonymous callers give no subject', () => {
    const { op, fragments } = split('mutation { placeOrder(input: { items: [{ sku: "S", quantity: 1 }] }) { id } }');
    expect(mutationSubjects(op, fragments, undefined, '42')).toEqual(['User:42']);
    expect(mutationSubjects(op, fragments, undefined, null)).toEqual([]);
  });
});
