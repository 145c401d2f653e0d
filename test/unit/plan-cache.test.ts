import { OperationTypeNode } from 'graphql';
import { TwoLevelPlanCache, type QueryPlanCache } from '../../gateway/src/cache/plan-cache';
import { SupergraphIdentity } from '../../gateway/src/cache/supergraph-identity';
import { createLogger } from '../../gateway/src/logger';
import { MemoryKeyValueStore } from '../../gateway/src/store/memory-store';

type Plan = Parameters<QueryPlanCache['set']>[1];
const PLAN: Plan = { kind: 'QueryPlan', node: { kind: 'Fetch', serviceName: 'users', operation: '{ user(id: "1") { id } }', operationName: undefined, operationKind: OperationTypeNode.QUERY } };

function setup() {
  const identity = new SupergraphIdentity();
  identity.update('schema v1');
  const shared = new MemoryKeyValueStore();
  const log = createLogger({ level: 'silent', pretty: false });
  const make = () => new TwoLevelPlanCache({ maxEntries: 10, shared, ttlS: 60, supergraph: identity, log });
  return { identity, shared, make };
}

/** The plan write to the shared store is not awaited by set(); let it land. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TwoLevelPlanCache', () => {
  it('when one instance stored a plan, then another finds it in the shared store, revived from JSON', async () => {
    const { make } = setup();
    const a = make();
    const b = make();
    await a.set('k', PLAN);
    await settle();
    expect(await b.get('k')).toEqual(JSON.parse(JSON.stringify(PLAN)));
    expect(b.stats()).toMatchObject({ sharedHits: 1, misses: 0 });
  });

  it('when the supergraph changes, then plans of the old schema are not found, locally or shared', async () => {
    const { identity, make } = setup();
    const a = make();
    await a.set('k', PLAN);
    await settle();
    identity.update('schema v2');
    expect(await a.get('k')).toBeUndefined();
    expect(await make().get('k')).toBeUndefined();
  });
});
