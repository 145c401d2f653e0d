/**
 * The contract every subgraph keeps with the gateway and composition, run once per subgraph:
 * `_service { sdl }` is its schema.graphql, `_entities` resolves its entity types from the seed in one
 * store batch call per type, unknown ids are null (or empty) rather than errors, and the shared server
 * options (recordRequests, latencyMs, stop) behave.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';
import { createSubgraph, type SubgraphStores } from '../../subgraphs/registry';
import type { SubgraphDefinition, SubgraphName } from '../../subgraphs/shared/definition';
import {
  paymentIdForOrderId,
  seedOrdersForUser,
  seedPaymentForOrder,
  seedPaymentMethodsForUser,
  seedReviewsForUser,
  seedUser,
  seedWishlistForUser,
  type OrderRecord,
} from '../../subgraphs/shared/seed';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { graphql, resolveEntities } from './graphql-client';

interface EntityCase<TStore> {
  typename: string;
  /** Fields selected on the entity. */
  fields: string;
  /** The store method that must be called exactly once per `_entities` request. */
  batchMethod: string;
  spyOnBatch(store: TStore): jest.SpyInstance;
  expected(id: string): unknown;
  seededIds: readonly string[];
  unknownId: string;
  /** What an unknown id resolves to: null for an entity this subgraph owns, empty data for a stub. */
  unknownExpected: unknown;
}

interface ContractCase {
  name: SubgraphName;
  entities: ReadonlyArray<Omit<EntityCase<never>, 'spyOnBatch'>>;
  /** A fresh definition plus spies bound to its typed store. */
  create(): { def: SubgraphDefinition; spyOnBatch(entityIndex: number): jest.SpyInstance };
}

function contractCase<N extends SubgraphName>(name: N, entities: Array<EntityCase<SubgraphStores[N]>>): ContractCase {
  return {
    name,
    entities,
    create() {
      const def = createSubgraph(name);
      return {
        def,
        spyOnBatch: (entityIndex) => {
          const entity = entities[entityIndex];
          if (!entity) throw new Error(`no entity case ${entityIndex}`);
          return entity.spyOnBatch(def.store);
        },
      };
    },
  };
}

const newestFirst = <T>(records: T[]): T[] => [...records].reverse();

/** The seeded order `o-<user>-<n>`, from the same formula both stores use. */
function seededOrder(orderId: string): OrderRecord {
  const order = seedOrdersForUser(orderId.split('-')[1] ?? '').find((candidate) => candidate.id === orderId);
  if (!order) throw new Error(`${orderId} is not a seeded order`);
  return order;
}
const USERS = ['1', '2', '3'] as const;
const UNKNOWN_USER = '999999';

const CASES: ContractCase[] = [
  contractCase('users', [
    {
      typename: 'User',
      fields: 'id name email createdAt',
      batchMethod: 'byIds',
      spyOnBatch: (store) => jest.spyOn(store, 'byIds'),
      expected: (id) => seedUser(id),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: null,
    },
  ]),
  contractCase('orders', [
    {
      typename: 'User',
      fields: 'id orders(first: 3) { id total }',
      batchMethod: 'listByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'listByUsers'),
      expected: (id) => ({
        id,
        orders: newestFirst(seedOrdersForUser(id)).slice(0, 3).map(({ id: orderId, total }) => ({ id: orderId, total })),
      }),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, orders: [] },
    },
    {
      typename: 'Order',
      fields: 'id total currency status createdAt items { sku name quantity unitPrice }',
      batchMethod: 'byIds',
      spyOnBatch: (store) => jest.spyOn(store, 'byIds'),
      expected: (id) => {
        const { userId: _userId, ...order } = seededOrder(id);
        return order;
      },
      seededIds: ['o-1-1', 'o-2-2', 'o-3-1'],
      unknownId: 'o-999999-1',
      unknownExpected: null,
    },
  ]),
  contractCase('payments', [
    {
      typename: 'User',
      fields: 'id payments(first: 2) { id amount status }',
      batchMethod: 'listByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'listByUsers'),
      expected: (id) => ({
        id,
        payments: newestFirst(seedOrdersForUser(id))
          .slice(0, 2)
          .map(seedPaymentForOrder)
          .map(({ id: paymentId, amount, status }) => ({ id: paymentId, amount, status })),
      }),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, payments: [] },
    },
    {
      typename: 'User',
      fields: 'id paymentMethods { id brand last4 expMonth expYear }',
      batchMethod: 'methodsByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'methodsByUsers'),
      expected: (id) => ({ id, paymentMethods: seedPaymentMethodsForUser(id).map(({ userId: _userId, ...method }) => method) }),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, paymentMethods: [] },
    },
    {
      typename: 'Order',
      fields: 'id payment { id amount currency }',
      batchMethod: 'byOrderIds',
      spyOnBatch: (store) => jest.spyOn(store, 'byOrderIds'),
      expected: (id) => {
        const order = seededOrder(id);
        return { id, payment: { id: paymentIdForOrderId(id), amount: order.total, currency: order.currency } };
      },
      seededIds: ['o-1-1', 'o-2-2', 'o-3-1'],
      unknownId: 'o-999999-1',
      unknownExpected: { id: 'o-999999-1', payment: null },
    },
    {
      typename: 'Payment',
      fields: 'id amount currency status createdAt',
      batchMethod: 'byIds',
      spyOnBatch: (store) => jest.spyOn(store, 'byIds'),
      expected: (id) => {
        const { orderId: _orderId, userId: _userId, ...payment } = seedPaymentForOrder(seededOrder(`o-${id.slice(2)}`));
        return payment;
      },
      seededIds: ['p-1-1', 'p-2-2', 'p-3-1'],
      unknownId: 'p-999999-1',
      unknownExpected: null,
    },
  ]),
  contractCase('wishlist', [
    {
      typename: 'User',
      fields: 'id wishlist { count }',
      batchMethod: 'countByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'countByUsers'),
      expected: (id) => ({ id, wishlist: { count: seedWishlistForUser(id).length } }),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, wishlist: { count: 0 } },
    },
    {
      typename: 'User',
      fields: 'id wishlist { items(first: 3) { id sku name addedAt } }',
      batchMethod: 'listByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'listByUsers'),
      expected: (id) => ({
        id,
        wishlist: { items: newestFirst(seedWishlistForUser(id)).slice(0, 3).map(({ userId: _userId, ...item }) => item) },
      }),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, wishlist: { items: [] } },
    },
  ]),
  contractCase('reviews', [
    {
      typename: 'User',
      fields: 'id reviews(first: 3) { id rating body createdAt productSku }',
      batchMethod: 'listByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'listByUsers'),
      expected: (id) => ({
        id,
        reviews: newestFirst(seedReviewsForUser(id)).slice(0, 3).map(({ userId: _userId, ...review }) => review),
      }),
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, reviews: [] },
    },
    {
      typename: 'User',
      fields: 'id reviewStats { count averageRating }',
      batchMethod: 'statsByUsers',
      spyOnBatch: (store) => jest.spyOn(store, 'statsByUsers'),
      expected: (id) => {
        const ratings = seedReviewsForUser(id).map((review) => review.rating);
        const count = ratings.length;
        return { id, reviewStats: { count, averageRating: count === 0 ? null : ratings.reduce((a, b) => a + b, 0) / count } };
      },
      seededIds: USERS,
      unknownId: UNKNOWN_USER,
      unknownExpected: { id: UNKNOWN_USER, reviewStats: { count: 0, averageRating: null } },
    },
  ]),
];

describe.each(CASES)('$name subgraph contract', ({ name, entities, create }) => {
  let handle: SubgraphHandle;
  let spyOnBatch: (entityIndex: number) => jest.SpyInstance;

  beforeAll(async () => {
    const created = create();
    spyOnBatch = created.spyOnBatch;
    handle = await startSubgraph(created.def, { logLevel: 'silent' });
  });
  afterAll(() => handle.stop());
  afterEach(() => jest.restoreAllMocks());

  it('when asked for _service { sdl }, then it serves the definitions of its schema.graphql', async () => {
    // Arrange
    const file = parse(readFileSync(join(__dirname, '../../subgraphs', name, 'schema.graphql'), 'utf8'));

    // Act
    const { data } = await graphql<{ _service: { sdl: string } }>(handle.url, '{ _service { sdl } }');

    // Assert
    const served = parse(data?._service.sdl ?? '');
    expect(comparable(served)).toEqual(comparable(file));
  });

  it.each(entities.map((entity, index) => ({ ...entity, index })))(
    'when _entities asks for seeded $typename ($batchMethod), then it returns the seed data',
    async ({ typename, fields, seededIds, expected }) => {
      // Act
      const { data, errors } = await resolveEntities(handle.url, typename, seededIds, fields);

      // Assert
      expect(errors).toBeUndefined();
      expect(data?._entities).toEqual(seededIds.map(expected));
    },
  );

  it.each(entities.map((entity, index) => ({ ...entity, index })))(
    'when _entities carries several $typename representations, then $batchMethod is called once',
    async ({ typename, fields, seededIds, index }) => {
      // Arrange
      const spy = spyOnBatch(index);

      // Act
      const { errors } = await resolveEntities(handle.url, typename, seededIds, fields);

      // Assert
      expect(errors).toBeUndefined();
      expect(spy).toHaveBeenCalledTimes(1);
      expect([...(spy.mock.calls[0]?.[0] as readonly string[])].sort()).toEqual([...seededIds].sort());
    },
  );

  it.each(entities.map((entity, index) => ({ ...entity, index })))(
    'when _entities asks for an unknown $typename id ($batchMethod), then it resolves without an error',
    async ({ typename, fields, unknownId, unknownExpected }) => {
      // Act
      const { data, errors } = await resolveEntities(handle.url, typename, [unknownId], fields);

      // Assert
      expect(errors).toBeUndefined();
      expect(data?._entities).toEqual([unknownExpected]);
    },
  );

  it('when recordRequests is on, then every request is recorded with its headers', async () => {
    // Arrange
    const recording = await startSubgraph(createSubgraph(name), { logLevel: 'silent', recordRequests: true });
    try {
      // Act
      await graphql(recording.url, 'query Probe { __typename }', { headers: { 'x-request-id': 'req-contract-1' } });

      // Assert
      expect(recording.requests).toHaveLength(1);
      expect(recording.requests[0]).toMatchObject({
        operationName: 'Probe',
        query: 'query Probe { __typename }',
        headers: expect.objectContaining({ 'x-request-id': 'req-contract-1' }),
      });
      recording.clearRequests();
      expect(recording.requests).toHaveLength(0);
    } finally {
      await recording.stop();
    }
  });

  it('when latencyMs is set, then responses take at least that long', async () => {
    // Arrange
    const latencyMs = 150;
    const slow = await startSubgraph(createSubgraph(name), { logLevel: 'silent', latencyMs });
    try {
      const startedAt = Date.now();

      // Act
      const { data } = await graphql(slow.url, '{ __typename }');

      // Assert
      expect(data).toEqual({ __typename: 'Query' });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(latencyMs);
    } finally {
      await slow.stop();
    }
  });

  it('when the body is not JSON it can parse, then it answers 400 BAD_REQUEST as JSON and keeps serving', async () => {
    const broken = await fetch(handle.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });

    const viaGet = await fetch(`${handle.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(viaGet.status).toBe(200);
    expect(await viaGet.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('when stop() is called twice, then both calls resolve and the port is closed', async () => {
    // Arrange
    const stoppable = await startSubgraph(createSubgraph(name), { logLevel: 'silent' });
    await graphql(stoppable.url, '{ __typename }');

    // Act
    await Promise.all([stoppable.stop(), stoppable.stop()]);
    await stoppable.stop();

    // Assert
    await expect(fetch(stoppable.url, { method: 'POST' })).rejects.toThrow();
  });
});

const FEDERATION_TYPE = /^(_|link__|federation__)/;

/**
 * A schema reduced to what the subgraph author wrote: the `extend schema @link` and each named type,
 * printed. Drops what buildSubgraphSchema adds (directive definitions, `_entities`/`_service`, `_Any`,
 * link__/federation__ types, an otherwise empty Query, the implied link-spec @link) and the block-string
 * vs quoted-string difference.
 */
function comparable(doc: DocumentNode): { extensions: string[]; types: Record<string, string> } {
  const normalized = visit(doc, {
    StringValue: (node) => ({ ...node, block: false }),
    FieldDefinition: (node) => (node.name.value.startsWith('_') ? null : undefined),
    // The link spec's own @link is implied by any other @link; buildSubgraphSchema spells it out.
    Directive: (node) => (print(node).includes('specs.apollo.dev/link/') ? null : undefined),
  });
  const extensions: string[] = [];
  const types: Record<string, string> = {};
  for (const definition of normalized.definitions) {
    if (definition.kind === Kind.SCHEMA_EXTENSION) extensions.push(print(definition));
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    if (!('name' in definition) || !definition.name || FEDERATION_TYPE.test(definition.name.value)) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && (definition.fields ?? []).length === 0) continue;
    types[definition.name.value] = print(definition);
  }
  return { extensions, types };
}
