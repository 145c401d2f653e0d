import { loadConfig } from '../../gateway/src/config';
import { replicaLabel } from '../../gateway/src/routing/replica-config';
import { ReplicaSet, type Replica } from '../../gateway/src/routing/replica-set';

const URLS = ['http://10.0.0.1:4001/graphql', 'http://10.0.0.2:4001/graphql', 'http://10.0.0.3:4001/graphql'];

function replicaSet(opts: { balancing?: 'round-robin' | 'least-outstanding'; threshold?: number; cooldownMs?: number } = {}) {
  const clock = { nowMs: 0 };
  const set = new ReplicaSet({
    subgraph: 'users',
    replicas: URLS.map((url, i) => ({ url, label: `10.0.0.${i + 1}:4001` })),
    balancing: opts.balancing ?? 'round-robin',
    failureThreshold: opts.threshold ?? 2,
    cooldownMs: opts.cooldownMs ?? 1000,
    now: () => clock.nowMs,
  });
  return { set, clock };
}

/** Picks `n` times for queries, reporting each attempt with `ok(replica)`; returns the indexes picked. */
function drive(set: ReplicaSet, n: number, ok: (r: Replica) => boolean = () => true): number[] {
  const picked: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const r = set.pick(undefined, true);
    if (!r) {
      picked.push(-1);
      continue;
    }
    picked.push(r.index);
    set.report(r, ok(r));
  }
  return picked;
}

describe('ReplicaSet balancing', () => {
  it('when every replica is up, then round-robin takes each in turn', () => {
    const { set } = replicaSet();
    expect(drive(set, 6)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('when least-outstanding is configured, then the replica with the fewest calls in flight is picked', () => {
    const { set } = replicaSet({ balancing: 'least-outstanding' });
    const first = set.pick(undefined, true)!;
    const second = set.pick(undefined, true)!;
    set.report(first, true);
    // Replica 1 still has a call in flight; 0 and 2 have none, and ties go round-robin from after the last pick.
    expect([first.index, second.index]).toEqual([0, 1]);
    expect(set.pick(undefined, true)!.index).toBe(2);
    expect(set.pick(undefined, true)!.index).toBe(0);
  });

  it('when a call already tried a replica, then its retry goes to another one', () => {
    const { set } = replicaSet();
    const tried = new Set<Replica>();
    const first = set.pick(tried, true)!;
    tried.add(first);
    set.report(first, false);
    const retry = set.pick(tried, true)!;
    expect(retry.index).not.toBe(first.index);
  });

  it('when the only replica up was already tried, then the retry may go to it again', () => {
    const { set } = replicaSet({ threshold: 1 });
    drive(set, 2, () => false); // replicas 0 and 1 down
    const tried = new Set<Replica>([set.replicas[2]!]);
    expect(set.pick(tried, true)?.index).toBe(2);
  });
});

describe('ReplicaSet passive health', () => {
  it('when a replica fails the threshold in a row, then it gets no more traffic', () => {
    const { set } = replicaSet({ threshold: 2 });
    const picked = drive(set, 9, (r) => r.index !== 1);
    // Replica 1 fails on its 1st and 2nd turns (picks 2 and 5), then the others share the calls.
    expect(picked).toEqual([0, 1, 2, 0, 1, 2, 0, 2, 0]);
    expect(set.replicas[1]!.state).toBe('down');
    expect(set.upCount).toBe(2);
  });

  it('when a failure is followed by a success, then the count starts again (failures must be consecutive)', () => {
    const { set } = replicaSet({ threshold: 2 });
    const r = set.replicas[0]!;
    for (const ok of [false, true, false, true]) {
      set.pick(undefined, true);
      set.report(r, ok);
    }
    expect(r.state).toBe('up');
  });

  it('when the cool-down has passed, then one trial query goes to the replica and success brings it back', () => {
    const { set, clock } = replicaSet({ threshold: 1, cooldownMs: 1000 });
    drive(set, 1, () => false);
    expect(set.replicas[0]!.state).toBe('down');

    clock.nowMs = 999;
    expect(drive(set, 4)).not.toContain(0);
    clock.nowMs = 1000;
    const trial = set.pick(undefined, true)!;
    expect(trial.index).toBe(0);
    expect(trial.state).toBe('probing');
    // While the trial is in flight nothing else goes to it.
    expect(drive(set, 4)).not.toContain(0);
    set.report(trial, true);
    expect(trial.state).toBe('up');
    expect(drive(set, 3)).toContain(0);
  });

  it('when the trial fails, then the replica stays out for another cool-down', () => {
    const { set, clock } = replicaSet({ threshold: 1, cooldownMs: 1000 });
    drive(set, 1, () => false);
    clock.nowMs = 1000;
    const trial = set.pick(undefined, true)!;
    set.report(trial, false);
    expect(trial.state).toBe('down');
    expect(trial.retryAtMs).toBe(2000);
    clock.nowMs = 1999;
    expect(drive(set, 4)).not.toContain(0);
    clock.nowMs = 2000;
    expect(set.pick(undefined, true)!.index).toBe(0);
  });

  it('when only a mutation arrives after the cool-down, then it is not used as the trial', () => {
    const { set, clock } = replicaSet({ threshold: 1, cooldownMs: 1000 });
    drive(set, 1, () => false);
    clock.nowMs = 5000;
    const mutationReplica = set.pick(undefined, false)!;
    expect(mutationReplica.index).not.toBe(0);
    expect(set.replicas[0]!.state).toBe('down');
  });

  it('when a call picked before the ejection succeeds late, then the replica stays out until its trial', () => {
    const { set } = replicaSet({ threshold: 1 });
    const early = set.pick(undefined, true)!;
    const late = set.pick(undefined, true)!;
    set.report(late, false);
    set.report(early, true);
    expect(late.state).toBe('down');
  });

  it('when every replica is down, then pick answers undefined (the call fails at once)', () => {
    const { set } = replicaSet({ threshold: 1 });
    drive(set, 3, () => false);
    expect(set.upCount).toBe(0);
    expect(set.pick(undefined, true)).toBeUndefined();
    expect(set.pick(undefined, false)).toBeUndefined();
  });
});

describe('replica URLs (SUBGRAPH_URL_<NAME>)', () => {
  it('when one URL is given, then it overrides the routing URL and no replica set is made', () => {
    const config = loadConfig({ SUBGRAPH_URL_USERS: 'http://10.0.0.1:4001/graphql' });
    expect(config.subgraphs.urlOverrides).toEqual({ users: 'http://10.0.0.1:4001/graphql' });
    expect(config.replicas).toEqual({ urlsBySubgraph: {}, balancing: 'round-robin', failureThreshold: 3, cooldownMs: 10_000 });
  });

  it('when a comma-separated list is given, then the subgraph is a replica set and the first URL is its override', () => {
    const config = loadConfig({ SUBGRAPH_URL_USERS: ` ${URLS.join(' , ')} `, SUBGRAPH_LOAD_BALANCING: 'least-outstanding' });
    expect(config.replicas.urlsBySubgraph).toEqual({ users: URLS });
    expect(config.replicas.balancing).toBe('least-outstanding');
    expect(config.subgraphs.urlOverrides).toEqual({ users: URLS[0] });
  });

  it('when a list holds a bad URL or two replicas on one host:port, then start-up is refused', () => {
    expect(() => loadConfig({ SUBGRAPH_URL_USERS: `${URLS[0]},ftp://x` })).toThrow(/SUBGRAPH_URL_USERS/);
    expect(() => loadConfig({ SUBGRAPH_URL_USERS: `${URLS[0]},http://10.0.0.1:4001/other` })).toThrow(/host:port/);
  });

  it('when a replica URL has no port, then its metric label uses the scheme default port', () => {
    expect(replicaLabel('https://users.internal/graphql')).toBe('users.internal:443');
    expect(replicaLabel('http://10.0.0.1:4001/graphql')).toBe('10.0.0.1:4001');
  });
});
