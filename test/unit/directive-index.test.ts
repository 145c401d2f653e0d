import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { DirectiveIndex } from '../../gateway/src/directives/directive-index';

const SDL = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes", "@cost", "@listSize", "@composeDirective"])
    @link(url: "https://frontdoor.dev/rate-limit/v1.0", import: ["@rateLimit"])
    @composeDirective(name: "@rateLimit")
  directive @rateLimit(limit: Int!, duration: Int!) on FIELD_DEFINITION | OBJECT
  type Query { users(first: Int @cost(weight: 2)): [User!] @listSize(slicingArguments: ["first"], assumedSize: 10) @rateLimit(limit: 5, duration: 60) }
  type User @key(fields: "id") @cost(weight: 4) {
    id: ID!
    email: String @authenticated
    orders: [String!] @requiresScopes(scopes: [["orders:read"], ["admin"]])
  }
`;

function indexOf(sdl: string): DirectiveIndex {
  const result = composeServices([{ name: 'users', typeDefs: parse(sdl), url: 'http://users' }]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return DirectiveIndex.fromSupergraphSdl(result.supergraphSdl);
}

describe('DirectiveIndex', () => {
  const index = indexOf(SDL);

  it('when a field carries a federation security directive, then it is found under its spec name', () => {
    expect(index.find('User.email', 'authenticated')).toMatchObject({ spec: 'https://specs.apollo.dev/authenticated', args: {} });
    expect(index.find('User.orders', 'requiresScopes')?.args).toEqual({ scopes: [['orders:read'], ['admin']] });
  });

  it('when demand-control directives are used, then fields, types and arguments are indexed', () => {
    // Arguments left at their spec default are absent: consumers apply the spec's defaults.
    expect(index.find('Query.users', 'listSize')?.args).toEqual({ slicingArguments: ['first'], assumedSize: 10 });
    expect(index.find('User', 'cost')?.args).toEqual({ weight: 4 });
    expect(index.find('Query.users(first:)', 'cost')?.args).toEqual({ weight: 2 });
  });

  it('when a custom directive is composed under a renamed link, then it is indexed by its own name', () => {
    expect(index.find('Query.users', 'rateLimit')?.args).toEqual({ limit: 5, duration: 60 });
  });

  it('when the supergraph plumbing (join, link) is present, then it is not indexed as a rule', () => {
    expect(index.at('User').map((d) => d.name)).toEqual(['cost']);
    expect(index.coordinatesWith('join__type')).toEqual([]);
  });

  it('when nothing is declared at a coordinate, then the lookup is empty', () => {
    expect(index.at('User.id')).toEqual([]);
  });
});
