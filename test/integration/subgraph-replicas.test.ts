import { replicaLabel } from '../../gateway/src/routing/replica-config';
import type { GatewayHandle } from '../../gateway/src/server';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy';
import { postGraphQL, startTestGateway, type GraphQLResult } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { sample } from '../helpers/prometheus';

const ADD_TO_WISHLIST = 'mutation { addToWishlist(userId: "1", sku: "SKU-001", name: "Lamp") { count } }';

/** users (one URL) and three real wishlist replicas; `proxied` puts a failing-on-demand proxy in front of replica 1. */
interface ReplicaStack {
  gateway: GatewayHandle;
  users: SubgraphHandle;
  replicas: SubgraphHandle[];
  proxy: FlakyProxy | undefined;
  /** The three URLs the gateway was given, in order. */
  urls: string[];
  /** One query touching users and wishlist; each call asks for another user so nothing can be shared or cached. */
  query(): Promise<GraphQLResult>;
  metric(name: string, labels: Record<string, string>): Promise<number | undefined>;
  ready(): Promise<{ status: number; body: { checks: Record<string, string> } }>;
  stop(): Promise<void>;
}

async function startReplicaStack(env: Record<string, string>, opts: { proxied?: boolean } = {}): Promise<ReplicaStack> {
  const users = await startSubgraph(createSubgraph('users'), { logLevel: 'silent' });
  const replicas = await Promise.all([0, 1, 2].map(() => startSubgraph(createSubgraph('wishlist'), { logLevel: 'silent', recordRequests: true })));
  const proxy = opts.proxied ? await startFlakyProxy(replicas[1]!.url) : undefined;
  const urls = replicas.map((r, i) => (i === 1 && proxy ? proxy.url : r.url));
  const gateway = await startTestGateway({
    SUBGRAPH_URL_USERS: users.url,
    SUBGRAPH_URL_WISHLIST: urls.join(','),
    // Every call must reach a subgraph: no response cache, no retry backoff to wait for.
    RESPONSE_CACHE_ENABLED: 'false',
    SUBGRAPH_RETRY_BASE_DELAY_MS: '1',
    ...env,
  });
  let next = 1;
  const base = gateway.url.replace('/graphql', '');
  return {
    gateway,
    users,
    replicas,
    proxy,
    urls,
    query: () => postGraphQL(gateway.url, { query: `{ user(id: "${(next++ % 20) + 1}") { id wishlist { count } } }` }),
    metric: async (name, labels) => sample(await (await fetch(`${base}/metrics`)).text(), name, labels),
    ready: async () => {
      const res = await fetch(`${base}/ready`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
    },
    stop: async () => {
      await gateway.stop();
      await proxy?.stop();
      await Promise.all([users, ...replicas].map((s) => s.stop()));
    },
  };
}

async function times(n: number, run: () => Promise<GraphQLResult>): Promise<GraphQLResult[]> {
  const results: GraphQLResult[] = [];
  for (let i = 0; i < n; i += 1) results.push(await run());
  return results;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const served = (r: GraphQLResult): boolean => r.body.errors === undefined && (r.body.data?.user as { wishlist?: unknown } | null)?.wishlist != null;

describe('a subgraph with three healthy replicas', () => {
  let stack: ReplicaStack;
  beforeAll(async () => {
    stack = await startReplicaStack({});
  });
  afterAll(() => stack?.stop());

  it('when six queries arrive, then round-robin sends two to each replica', async () => {
    const results = await times(6, stack.query);

    expect(results.every(served)).toBe(true);
    expect(stack.replicas.map((r) => r.requests.length)).toEqual([2, 2, 2]);
    expect((await stack.ready()).body.checks.replicas).toBe('ok');
  });
});

describe('a subgraph with one replica answering 503', () => {
  let stack: ReplicaStack;
  beforeAll(async () => {
    stack = await startReplicaStack(
      {
        SUBGRAPH_REPLICA_FAILURE_THRESHOLD: '2',
        SUBGRAPH_REPLICA_COOLDOWN_MS: '600000',
        // A breaker that would open on the first failed call: it must only see whole calls.
        CIRCUIT_BREAKER_VOLUME_THRESHOLD: '1',
        CIRCUIT_BREAKER_ERROR_PERCENT: '1',
      },
      { proxied: true },
    );
    stack.proxy!.failAll();
  });
  afterAll(() => stack?.stop());

  it('when queries keep coming, then every one is served and the failing replica gets nothing after the threshold', async () => {
    const results = await times(12, stack.query);

    expect(results.filter(served)).toHaveLength(12);
    expect(stack.proxy!.received).toHaveLength(2);
    expect(stack.replicas[1]!.requests).toHaveLength(0);
    expect(stack.replicas[0]!.requests.length + stack.replicas[2]!.requests.length).toBe(12);
  });

  it('when the replica is out, then metrics and /ready show it and the gateway stays ready with a closed circuit', async () => {
    const replica = replicaLabel(stack.urls[1]!);

    const ready = await stack.ready();

    expect(ready.status).toBe(200);
    expect(ready.body.checks.replicas).toBe('degraded: wishlist 2/3 replicas up');
    expect(await stack.metric('frontdoor_subgraph_replica_up', { subgraph: 'wishlist', replica })).toBe(0);
    expect(await stack.metric('frontdoor_subgraph_replica_up', { subgraph: 'wishlist', replica: replicaLabel(stack.urls[0]!) })).toBe(1);
    expect(await stack.metric('frontdoor_subgraph_replica_attempts_total', { subgraph: 'wishlist', replica, outcome: 'failure' })).toBe(2);
    expect(await stack.metric('frontdoor_subgraph_replica_ejections_total', { subgraph: 'wishlist', replica })).toBe(1);
    expect(stack.gateway.getBreakerStates().wishlist).toBe('closed');
  });
});

describe('a subgraph with one replica stopped', () => {
  let stack: ReplicaStack;
  beforeAll(async () => {
    stack = await startReplicaStack({ SUBGRAPH_REPLICA_FAILURE_THRESHOLD: '2', SUBGRAPH_REPLICA_COOLDOWN_MS: '600000' });
    await stack.replicas[0]!.stop();
  });
  afterAll(() => stack?.stop());

  it('when a mutation is sent to the stopped replica first, then it fails over (the connection was refused) and runs exactly once', async () => {
    const res = await postGraphQL(stack.gateway.url, { query: ADD_TO_WISHLIST }, await bearer('1'));

    expect(res.body.errors).toBeUndefined();
    const mutations = stack.replicas.flatMap((r) => r.requests).filter((r) => r.query.includes('addToWishlist'));
    expect(mutations).toHaveLength(1);
  });

  it('when queries keep coming, then every one is served and attempts on the stopped replica stop at the threshold', async () => {
    const results = await times(12, stack.query);

    expect(results.filter(served)).toHaveLength(12);
    const failures = await stack.metric('frontdoor_subgraph_replica_attempts_total', { subgraph: 'wishlist', replica: replicaLabel(stack.urls[0]!), outcome: 'failure' });
    expect(failures).toBe(2);
  });
});

describe('a replica coming back after its cool-down', () => {
  const COOLDOWN_MS = 1500;
  let stack: ReplicaStack;
  beforeAll(async () => {
    stack = await startReplicaStack({ SUBGRAPH_REPLICA_FAILURE_THRESHOLD: '1', SUBGRAPH_REPLICA_COOLDOWN_MS: String(COOLDOWN_MS) }, { proxied: true });
  });
  afterAll(() => stack?.stop());

  it('when its trial request fails, then it stays out for another cool-down; when a later trial succeeds, then it takes traffic again', async () => {
    // Arrange: the replica fails once and is taken out
    const proxy = stack.proxy!;
    proxy.failAll();
    await times(3, stack.query);
    expect(proxy.received).toHaveLength(1);

    // Act 1: after the cool-down, one trial query goes to it and fails; the query is still served
    await sleep(COOLDOWN_MS + 100);
    const trial = await stack.query();
    const rightAfter = await times(3, stack.query);

    // Assert 1
    expect(served(trial)).toBe(true);
    expect(rightAfter.every(served)).toBe(true);
    expect(proxy.received).toHaveLength(2);

    // Act 2: the replica heals; the next trial succeeds and round-robin includes it again
    proxy.heal();
    await sleep(COOLDOWN_MS + 100);
    await stack.query();
    const backIn = stack.replicas[1]!.requests.length;
    await times(3, stack.query);

    // Assert 2
    expect(backIn).toBe(1);
    expect(stack.replicas[1]!.requests.length).toBe(2);
    expect(await stack.metric('frontdoor_subgraph_replica_up', { subgraph: 'wishlist', replica: replicaLabel(stack.urls[1]!) })).toBe(1);
  });
});

describe('a subgraph whose replicas are all down', () => {
  let stack: ReplicaStack;
  beforeAll(async () => {
    stack = await startReplicaStack({ SUBGRAPH_REPLICA_FAILURE_THRESHOLD: '1', SUBGRAPH_REPLICA_COOLDOWN_MS: '600000' });
    await Promise.all(stack.replicas.map((r) => r.stop()));
  });
  afterAll(() => stack?.stop());

  it('when a query needs it, then its part is null with SUBGRAPH_UNAVAILABLE, the rest is served, and later calls fail fast without an attempt', async () => {
    const [first, second] = await times(2, stack.query);
    const attempts = await Promise.all(
      stack.urls.map((url) => stack.metric('frontdoor_subgraph_replica_attempts_total', { subgraph: 'wishlist', replica: replicaLabel(url), outcome: 'failure' })),
    );

    // A fresh stack's queries ask for users 2, 3, … (startReplicaStack).
    for (const [res, id] of [[first!, '2'], [second!, '3']] as const) {
      expect(res.status).toBe(200);
      expect(res.body.data?.user).toEqual({ id, wishlist: null });
      expect(res.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' }]);
    }
    // Each replica was tried once (by the first query); the second found none up and sent nothing.
    expect(attempts).toEqual([1, 1, 1]);
    const ready = await stack.ready();
    expect(ready.status).toBe(200);
    expect(ready.body.checks.replicas).toBe('degraded: wishlist 0/3 replicas up');
  });
});
