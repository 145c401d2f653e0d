import { buildSchema, parse, type DocumentNode } from 'graphql';
import { findDeniedFields, satisfiesScopes, type DeniedField } from '../../gateway/src/auth/authorization';
import { applyDenied, PLACEHOLDER_KEY, removeDenied, type ExecutionResultLike } from '../../gateway/src/auth/authorization-filter';
import { ANONYMOUS, type Principal } from '../../gateway/src/auth/principal';
import { DirectiveIndex } from '../../gateway/src/directives/directive-index';

const SDL = `
directive @link(url: String!, as: String, import: [String]) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE
schema
  @link(url: "https://specs.apollo.dev/authenticated/v0.1")
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1") { query: Query }
type Query { me: User, users: [User!]!, node(id: ID!): Node, secret: Secret, search: [Result!]! }
interface Node { id: ID! owner: String }
type User implements Node {
  id: ID!
  owner: String
  name: String
  email: String @authenticated
  ssn: String! @requiresScopes(scopes: [["pii:read", "admin"], ["root"]])
}
type Doc implements Node { id: ID! owner: String @authenticated title: String }
type Secret @authenticated { code: String }
union Result = User | Doc
`;
const schema = buildSchema(SDL);
const index = DirectiveIndex.fromSupergraphSdl(SDL);
const user = (scopes: string[] = []): Principal => ({ id: 'u1', scopes, tokenId: null });

/** Parsed once per text, so removeDenied sees the very nodes findDeniedFields returned. */
const parsed = new Map<string, DocumentNode>();
const doc = (query: string): DocumentNode => parsed.get(query) ?? parsed.set(query, parse(query)).get(query)!;

function denied(query: string, principal: Principal = ANONYMOUS): DeniedField[] {
  return findDeniedFields({ schema, document: doc(query), index, principal });
}
const paths = (query: string, principal?: Principal) => denied(query, principal).map((d) => d.path.map((s) => s.key).join('.'));

describe('findDeniedFields', () => {
  it('when an anonymous caller selects an @authenticated field, then only that field is denied', () => {
    expect(paths('{ me { name email } }')).toEqual(['me.email']);
    expect(paths('{ me { name email } }', user())).toEqual([]);
  });

  it('when @requiresScopes lists alternatives, then one complete inner list is needed (outer OR, inner AND)', () => {
    expect(paths('{ me { ssn } }', user(['pii:read']))).toEqual(['me.ssn']);
    expect(paths('{ me { ssn } }', user(['pii:read', 'admin']))).toEqual([]);
    expect(paths('{ me { ssn } }', user(['root']))).toEqual([]);
    expect(paths('{ me { ssn } }', ANONYMOUS)).toEqual(['me.ssn']);
  });

  it('when a field returns a type with a type-level rule, then the field is denied', () => {
    expect(paths('{ secret { code } }')).toEqual(['secret']);
  });

  it('when a field is selected on an interface, then an implementation\'s rule applies to it', () => {
    expect(paths('{ node(id: "1") { id owner } }')).toEqual(['node.owner']);
    expect(paths('{ node(id: "1") { ... on User { owner } ... on Doc { o: owner } } }')).toEqual(['node.o']);
  });

  it('when a field returns a union with a protected member, then it is checked per member selection', () => {
    expect(paths('{ search { ... on User { name email } ... on Doc { title } } }')).toEqual(['search.email']);
  });

  it('when aliases, named fragments and nested inline fragments are used, then each protected selection is found under its response key', () => {
    const query = `{ me { a: email ...F ... on User { ... on User { c: email } } } } fragment F on User { b: email ...G } fragment G on User { email }`;
    expect(paths(query).sort()).toEqual(['me.a', 'me.b', 'me.c', 'me.email']);
  });

  it('when the document has several operations, then only the named one is walked', () => {
    const document = parse('query A { me { email } } query B { me { name } }');
    expect(findDeniedFields({ schema, document, operationName: 'B', index, principal: ANONYMOUS })).toEqual([]);
    expect(findDeniedFields({ schema, document, operationName: 'A', index, principal: ANONYMOUS })).toHaveLength(1);
  });

  it('when a @requiresScopes argument is malformed, then it denies', () => {
    expect(satisfiesScopes('admin', user(['admin']))).toBe(false);
    expect(satisfiesScopes([['admin', 7]], user(['admin']))).toBe(false);
    expect(satisfiesScopes([['admin']], user(['admin']))).toBe(true);
  });
});

describe('removeDenied / applyDenied', () => {
  it('when fields are removed, then emptied selection sets hold a placeholder the result never shows', () => {
    const query = '{ me { email } users { name email } }';
    const found = denied(query);
    const filtered = removeDenied(doc(query), found);
    expect(filtered.hasPlaceholders).toBe(true);

    const input: ExecutionResultLike = { data: { me: { [PLACEHOLDER_KEY]: 'User' }, users: [{ name: 'a' }, { name: 'b' }] } };
    const result = applyDenied(input, found, filtered);

    expect(result.data).toEqual({ me: { email: null }, users: [{ name: 'a', email: null }, { name: 'b', email: null }] });
    expect(result.errors?.map((e) => e.path?.join('.'))).toEqual(['me.email', 'users.0.email', 'users.1.email']);
    expect(result.errors?.map((e) => e.extensions)).toEqual([0, 1, 2].map(() => ({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' })));
  });

  it('when a denied field is non-null, then the null propagates to the nearest nullable parent', () => {
    const query = '{ me { name ssn } users { name ssn } }';
    const found = denied(query);
    const filtered = removeDenied(doc(query), found);

    const input: ExecutionResultLike = { data: { me: { name: 'a' }, users: [{ name: 'b' }] } };
    const result = applyDenied(input, found, filtered);

    // me is nullable → null; users is [User!]! → the whole data is null.
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => e.path?.join('.'))).toEqual(['me.ssn', 'users.0.ssn']);
  });

  it('when the denied field\'s parent is null, then one error at the path without list positions', () => {
    const query = '{ me { email } }';
    const found = denied(query);
    const input: ExecutionResultLike = { data: { me: null } };
    const result = applyDenied(input, found, removeDenied(doc(query), found));
    expect(result.data).toEqual({ me: null });
    expect(result.errors?.map((e) => e.path?.join('.'))).toEqual(['me.email']);
  });
});
