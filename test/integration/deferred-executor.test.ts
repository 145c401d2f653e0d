import { GraphQLError, parse, print, visit } from 'graphql';
import type { Principal } from '../../gateway/src/auth/principal';
import { runDeferredPlan, type DeferredRun } from '../../gateway/src/execution/deferred-run';
import { executePlan, prepareOperation } from '../../gateway/src/execution/execute-plan';
import type { SubsequentPayload } from '../../gateway/src/execution/incremental-payloads';
import { planningKit, requestContextFor, type PlanningKit } from '../helpers/plan-execution';
import { startStack, type Stack } from '../helpers/stack';

const OWNER: Principal = { id: '1', scopes: ['orders:read', 'payments:read'], tokenId: null };

const NESTED = `query Nested($id: ID!) {
  user(id: $id) {
    id name wishlist { count }
    ... @defer(label: "orders") { orders(first: 3) { id total ... @defer(label: "payment") { payment { status } } } }
    ... @defer(label: "payments") { payments(first: 3) { id amount } }
    ... @defer { reviewStats { count averageRating } }
  }
}`;

/** The same operation without any @defer: what the merged stream must equal. */
function withoutDefer(query: string): string {
  return print(visit(parse(query), { Directive: (node) => (node.name.value === 'defer' ? null : undefined) }));
}

describe('deferred plan execution (execution/deferred-run.ts)', () => {
  let stack: Stack;
  let deferKit: PlanningKit;
  let plainKit: PlanningKit;
  beforeAll(async () => {
    stack = await startStack({ latencyMs: { payments: 300 } });
    deferKit = planningKit({ incrementalDelivery: { enableDefer: true } });
    plainKit = planningKit();
  });
  afterAll(() => stack?.stop());

  function start(query: string, variables: Record<string, unknown>, signal?: AbortSignal): DeferredRun {
    const { document, operation, requestContext } = requestContextFor(deferKit, query, variables, OWNER);
    const plan = deferKit.plan(document, operation.name?.value);
    const input = { service: (name: string) => stack.gateway.services.get(name), supergraphSchema: deferKit.supergraphSchema, requestContext, ...prepareOperation(deferKit.apiSchema, deferKit.apiGraphQLSchema, document, operation.name?.value, variables) };
    return runDeferredPlan(plan, input, { ...(signal ? { signal } : {}), timeoutError: (path) => new GraphQLError('timed out', { path, extensions: { code: 'TEST_TIMEOUT' } }) });
  }

  async function collect(run: DeferredRun): Promise<SubsequentPayload[]> {
    const out: SubsequentPayload[] = [];
    for await (const payload of run.subsequent) out.push(payload);
    return out;
  }

  it('when nested labelled defers run, then parents come before children, the last says hasNext false, and the merge equals the plain result', async () => {
    const run = start(NESTED, { id: '1' });
    const initial = await run.initial;
    const rest = await collect(run);

    const plainQuery = requestContextFor(plainKit, withoutDefer(NESTED), { id: '1' }, OWNER);
    const plain = await executePlan(plainKit.plan(plainQuery.document, 'Nested'), {
      service: (name) => stack.gateway.services.get(name),
      supergraphSchema: plainKit.supergraphSchema,
      requestContext: plainQuery.requestContext,
      ...prepareOperation(plainKit.apiSchema, plainKit.apiGraphQLSchema, plainQuery.document, 'Nested', { id: '1' }),
    });
    expect(initial).toEqual({ data: { user: { id: '1', name: expect.any(String), wishlist: { count: expect.any(Number) } } }, hasNext: true });
    expect(rest.at(-1)?.hasNext).toBe(false);
    expect(rest.slice(0, -1).every((p) => p.hasNext)).toBe(true);
    const labels = rest.flatMap((p) => p.incremental ?? []).map((i) => i.label ?? '(none)');
    expect(labels.indexOf('orders')).toBeLessThan(labels.indexOf('payment'));
    expect(labels.filter((l) => l === 'payment').length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(run.delivered()))).toEqual(JSON.parse(JSON.stringify(plain.data)));
  });

  it('when every @defer says if: false, then the one payload is the whole result with hasNext false', async () => {
    const run = start('query Off($id: ID!) { user(id: $id) { id ... @defer(if: false) { name reviewStats { count } } } }', { id: '1' });

    const initial = await run.initial;
    const rest = await collect(run);

    expect(initial).toEqual({ data: { user: { id: '1', name: expect.any(String), reviewStats: { count: expect.any(Number) } } }, hasNext: false });
    expect(rest).toEqual([]);
  });

  it('when the deadline passes before a slow block is done, then it arrives as null with the coded error at its path and the stream ends', async () => {
    const deadline = new AbortController();
    const run = start(NESTED, { id: '1' }, deadline.signal);
    await run.initial;
    // Payments answers 300 ms late: its block cannot be done yet.
    deadline.abort();

    const rest = await collect(run);

    const last = rest.at(-1);
    expect(last?.hasNext).toBe(false);
    const timedOut = (last?.incremental ?? []).find((i) => i.label === 'payments');
    expect(timedOut).toMatchObject({ data: null, path: ['user'] });
    expect(timedOut?.errors?.map((e) => e.extensions.code)).toEqual(['TEST_TIMEOUT']);
    expect(await run.ended).toEqual({ timedOut: true });
  });
});
