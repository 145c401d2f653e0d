import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLNonNull, GraphQLSchema, GraphQLString } from 'graphql';

/**
 * `directive @defer(if: Boolean! = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT`, as
 * the incremental-delivery RFC (and federation's own Schema) defines it. graphql 16 has no built-in
 * @defer, and ApolloGateway's API schema leaves it out, so without it Apollo Server would refuse
 * every @defer as GRAPHQL_VALIDATION_FAILED. Introspection then shows it too, which is how
 * Sandbox and codegen tools learn that the server supports @defer.
 */
export const GraphQLDeferDirective = new GraphQLDirective({
  name: 'defer',
  description: 'Delivers this fragment after the rest of the response, in a later payload (multipart/mixed; deferSpec=20220824).',
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: {
    if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true, description: 'Deferred only when true.' },
    label: { type: GraphQLString, description: 'Names the deferred payload; unique in the operation.' },
  },
});

/** What we need of ApolloGateway: its public `schema`, which its executor answers introspection from. */
export interface SchemaHoldingGateway {
  schema?: GraphQLSchema | undefined;
  onSchemaLoadOrUpdate: GatewayInterface['onSchemaLoadOrUpdate'];
}

/**
 * The gateway as Apollo Server sees it: the same, with @defer in the API schema it validates
 * against. ApolloGateway answers introspection from its own `schema` field (public), so that gets
 * the same schema object: `__schema { directives }` then lists @defer, which is how Sandbox and
 * codegen tools learn that @defer is supported, and what clients validate against equals what
 * Apollo Server validates against.
 */
export function withDeferDirective(inner: GatewayInterface, apolloGateway: SchemaHoldingGateway): GatewayInterface {
  // Registered now, before Apollo Server subscribes (at start): ApolloGateway calls its listeners in order.
  apolloGateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    apolloGateway.schema = addDefer(apiSchema);
  });
  return {
    onSchemaLoadOrUpdate: (callback) => inner.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => callback({ apiSchema: addDefer(apiSchema), coreSupergraphSdl })),
    load: (options) => inner.load(options),
    stop: () => inner.stop(),
  };
}

const extended = new WeakMap<GraphQLSchema, GraphQLSchema>();

/** The schema with @defer, one object per schema (Apollo Server and the gateway's executor share it). */
function addDefer(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getDirective('defer')) return schema;
  let withDefer = extended.get(schema);
  if (!withDefer) {
    withDefer = new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), GraphQLDeferDirective] });
    extended.set(schema, withDefer);
  }
  return withDefer;
}
