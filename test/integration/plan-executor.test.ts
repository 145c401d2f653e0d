import { readFileSync } from 'node:fs';
import path from 'node:path';
import { executeQueryPlan, type ServiceMap } from '@apollo/gateway/dist/executeQueryPlan';
import { buildOperationContext } from '@apollo/gateway/dist/operationContext';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import { ANONYMOUS, type Principal } from '../../gateway/src/auth/principal';
import { executePlan, prepareOperation } from '../../gateway/src/execution/execute-plan';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry';
import { planningKit, requestContextFor, type PlanningKit } from '../helpers/plan-execution';
import { startStack, type Stack } from '../helpers/stack';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');
const OWNER: Principal = { id: '1', scopes: ['orders:read', 'payments:read'], tokenId: null };

/** Errors as a client would see them (what both executors hand Apollo Server to format). */
function plain(result: GatewayExecutionResult): unknown {
  return JSON.parse(JSON.stringify({ ...result, errors: result.errors?.map((e) => e.toJSON()) }));
}

describe('Frontdoor plan executor against @apollo/gateway executeQueryPlan', () => {
  let stack: Stack;
  let kit: PlanningKit;
  beforeAll(async () => {
    stack = await startStack({ env: { RESPONSE_CACHE_ENABLED: 'false' } });
    kit = planningKit();
  });
  afterAll(() => stack?.stop());

  /** Runs `query` through both executors, one after the other, with the gateway's own data sources. */
  async function both(query: string, variables: Record<string, unknown>, principal: Principal) {
    const serviceMap: ServiceMap = {};
    for (const name of SUBGRAPH_NAMES) {
      const source = stack.gateway.services.get(name);
      if (source) serviceMap[name] = source;
    }
    const apollo = requestContextFor(kit, query, variables, principal);
    const plan = kit.plan(apollo.document, apollo.operation.name?.value);
    const operationContext = buildOperationContext({ schema: kit.apiGraphQLSchema, operationDocument: apollo.document, operationName: apollo.operation.name?.value });
    const expected = await executeQueryPlan(plan, serviceMap, apollo.requestContext, operationContext, kit.supergraphSchema, kit.apiSchema);

    const ours = requestContextFor(kit, query, variables, principal);
    const actual = await executePlan(plan, {
      service: (name) => stack.gateway.services.get(name),
      supergraphSchema: kit.supergraphSchema,
      requestContext: ours.requestContext,
      ...prepareOperation(kit.apiSchema, kit.apiGraphQLSchema, ours.document, ours.operation.name?.value, variables),
    });
    return { expected: plain(expected), actual: plain(actual) };
  }

  it('when the owner runs the profile, then both executors return the same full result', async () => {
    const { expected, actual } = await both(PROFILE, { id: '1' }, OWNER);

    expect(actual).toEqual(expected);
    expect((expected as { data: { user: { orders: unknown[] } } }).data.user.orders.length).toBeGreaterThan(0);
  });

  it('when an anonymous caller runs the profile, then both return the same partial data and subgraph errors', async () => {
    const { expected, actual } = await both(PROFILE, { id: '1' }, ANONYMOUS);

    expect(actual).toEqual(expected);
    expect((expected as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
  });

  it('when the query uses aliases, fragments, __typename, @include and introspection, then both agree', async () => {
    const query = `query Mixed($id: ID!, $withStats: Boolean!, $skipWishlist: Boolean!) {
      __typename
      __schema { queryType { name } }
      person: user(id: $id) { ...Basics stats: reviewStats @include(if: $withStats) { count } wishlist @skip(if: $skipWishlist) { count } }
      nobody: user(id: "no-such-user") { id name }
      users(first: 3) { edges { node { id ... on User { reviewStats { averageRating } } } } }
    }
    fragment Basics on User { __typename id name orders(first: 2) { id payment { status amount } } }`;

    for (const variables of [{ id: '2', withStats: true, skipWishlist: false }, { id: '2', withStats: false, skipWishlist: true }]) {
      const { expected, actual } = await both(query, variables, { id: '2', scopes: ['orders:read', 'payments:read'], tokenId: null });
      expect(actual).toEqual(expected);
    }
  });

  it('when a subgraph is down, then both report the same coded errors at the same paths', async () => {
    await stack.stopSubgraph('payments');

    const { expected, actual } = await both(PROFILE, { id: '1' }, OWNER);

    expect(actual).toEqual(expected);
    const codes = (expected as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.map((e) => e.extensions?.code);
    expect(codes).toContain('SUBGRAPH_UNAVAILABLE');
  });
});
