import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSchema, parse } from 'graphql';
import { fieldCoordinates } from '../../gateway/src/usage/field-coordinates';
import { coordinateOf, diffApiSchemas } from '../../scripts/schema/api-schema-diff';
import { classifyByUsage, renderCheckReport } from '../../scripts/schema/usage-report';

/** The users SDL without `User.email` (and its description). */
function withoutEmail(sdl: string): string {
  const changed = sdl.replace(/^(\s*"[^"\n]*"\n)?\s*email: [^\n]*\n/m, '');
  if (changed === sdl) throw new Error('users SDL has no User.email to remove');
  return changed;
}

const ROOT = path.resolve(__dirname, '../..');
const USERS_SDL = readFileSync(path.join(ROOT, 'subgraphs/users/schema.graphql'), 'utf8');

function supergraphWithUsers(usersSdl: string): string {
  const result = composeServices([{ name: 'users', typeDefs: parse(usersSdl), url: 'http://users' }]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

describe('diffApiSchemas', () => {
  const current = supergraphWithUsers(USERS_SDL);

  it('when a field is removed, then it is a breaking FIELD_REMOVED on that coordinate', () => {
    const changes = diffApiSchemas(current, supergraphWithUsers(withoutEmail(USERS_SDL)));
    expect(changes).toEqual([expect.objectContaining({ severity: 'breaking', type: 'FIELD_REMOVED', coordinate: 'User.email' })]);
  });

  it('when a field changes to an incompatible type, then it is breaking', () => {
    const changes = diffApiSchemas(current, supergraphWithUsers(USERS_SDL.replace(/email: String[^\n]*/, 'email: Int!')));
    expect(changes).toEqual([expect.objectContaining({ severity: 'breaking', type: 'FIELD_CHANGED_KIND', coordinate: 'User.email' })]);
  });

  it('when a field is only added, then nothing is reported', () => {
    expect(diffApiSchemas(current, supergraphWithUsers(USERS_SDL.replace(/(email: String[^\n]*)/, '$1\n  nickname: String')))).toEqual([]);
  });

  it('when a required argument is added, then it is breaking on the field', () => {
    const changes = diffApiSchemas(current, supergraphWithUsers(USERS_SDL.replace('user(id: ID!): User', 'user(id: ID!, tenant: String!): User')));
    expect(changes[0]).toMatchObject({ severity: 'breaking', type: 'REQUIRED_ARG_ADDED', coordinate: 'Query.user' });
  });

  it.each([
    ['User.email was removed.', 'User.email'],
    ['PENDING was removed from enum type OrderStatus.', 'OrderStatus.PENDING'],
    ['Order was removed.', 'Order'],
    ['Query.user arg id has changed type ID! to String!.', 'Query.user'],
    ['A required arg tenant on Query.user was added.', 'Query.user'],
    ['A required field code on input type PlaceOrderInput was added.', 'PlaceOrderInput.code'],
    ['Payment was removed from union type SearchResult.', 'SearchResult'],
  ])('when graphql-js says %j, then the coordinate is %s', (description, coordinate) => {
    expect(coordinateOf(description)).toBe(coordinate);
  });
});

describe('usage-aware report', () => {
  const changes = [
    { severity: 'breaking' as const, type: 'FIELD_REMOVED', coordinate: 'User.email', description: 'User.email was removed.' },
    { severity: 'breaking' as const, type: 'FIELD_REMOVED', coordinate: 'User.createdAt', description: 'User.createdAt was removed.' },
  ];
  const usage = new Map([['User.email', { count: 7, operations: ['Profile'] }]]);

  it('when usage was recorded, then each breaking change is marked used or unused', () => {
    const lines = renderCheckReport(classifyByUsage(changes, usage), { allowBreaking: false }).lines.join('\n');
    expect(lines).toContain('User.email was removed. — USED by 7 operation(s): Profile');
    expect(lines).toContain('User.createdAt was removed. — unused in recorded traffic');
    expect(lines).toContain('1 of 2 breaking change(s) touch fields clients used');
  });

  it('when a type-level change is classified, then its fields\' usage counts', () => {
    const [classified] = classifyByUsage([{ ...changes[0]!, coordinate: 'User' }], usage);
    expect(classified?.usage).toEqual({ count: 7, operations: ['Profile'] });
  });

  it('when breaking changes exist, then the check fails unless allowed', () => {
    expect(renderCheckReport(classifyByUsage(changes, null), { allowBreaking: false }).ok).toBe(false);
    expect(renderCheckReport(classifyByUsage(changes, null), { allowBreaking: true }).ok).toBe(true);
  });
});

describe('fieldCoordinates', () => {
  const schema = buildSchema(`
    type Query { user(id: ID!): User node: Node }
    interface Node { id: ID! }
    type User implements Node { id: ID! name: String orders(first: Int): [Order] }
    type Order implements Node { id: ID! total: Float }
  `);

  it('when an operation uses fragments, aliases and arguments, then every coordinate is listed once', () => {
    const doc = parse(`
      query Q { a: user(id: "1") { ...F } node { id ... on Order { total } } __typename }
      fragment F on User { name orders(first: 2) { id } }
    `);
    expect(fieldCoordinates(schema, doc)).toEqual([
      'Node.id',
      'Order.id',
      'Order.total',
      'Query.node',
      'Query.user',
      'Query.user(id:)',
      'User.name',
      'User.orders',
      'User.orders(first:)',
    ]);
  });
});
