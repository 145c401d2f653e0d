/**
 * Smoke test of what ships: `npm run build` (the compile deploy/Dockerfile runs), then
 * `gateway/dist/main.js` as its own node process with the shipped node flags, in front of the five
 * subgraphs each in its own process (as `npm start` runs them), answering the profile query for a
 * signed-in caller. Everything else tests the TypeScript sources in-process; this keeps the
 * compiled path from rotting. Reuses the benchmark's process helpers.
 */
import { spawnSync } from 'node:child_process';
import { GATEWAY_NODE_FLAGS } from '../../gateway/src/node-flags';
import { nullPaths } from '../../bench/answers';
import { frontdoorFeatureEnv } from '../../bench/features';
import { ROOT, freePort, spawnNode, stopAll, waitForGraphQL, type Child } from '../../bench/processes';
import { PROFILE_QUERY } from '../../bench/queries';
import { startBenchSubgraphs } from '../../bench/subgraph-stack';
import { callerPool } from '../../bench/tokens';
import { seedUser } from '../../subgraphs/shared/seed';
import { postGraphQL } from '../helpers/stack';

const STARTUP_MS = 180_000;

describe('the shipped build (npm run build → gateway/dist/main.js)', () => {
  const children: Child[] = [];
  let url: string;

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    const subgraphs = await startBenchSubgraphs({ latencyMs: 0, mode: 'processes' });
    children.push(...subgraphs.children);
    const port = await freePort();
    const gateway = spawnNode('gateway', 'gateway/dist/main.js', { ...frontdoorFeatureEnv(), LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: subgraphs.supergraphPath }, GATEWAY_NODE_FLAGS);
    children.push(gateway);
    url = `http://127.0.0.1:${port}/graphql`;
    await waitForGraphQL(gateway, url, STARTUP_MS);
  }, STARTUP_MS);
  afterAll(() => stopAll(children));

  it('when the build runs, then its output is ignored by git (the build never dirties the tree)', () => {
    const ignored = spawnSync('git', ['check-ignore', '-q', 'gateway/dist/main.js'], { cwd: ROOT });
    expect(ignored.status).toBe(0);
  });

  it('when a signed-in caller asks for their profile, then the compiled gateway answers it completely from the subgraph processes', async () => {
    // Arrange
    const [caller] = await callerPool(1);

    // Act
    const res = await postGraphQL(url, { query: PROFILE_QUERY, variables: { id: caller!.id } }, { authorization: caller!.authorization });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const user = res.body.data?.user as { id: string; name: string; email: string; orders: unknown[] };
    expect(user).toMatchObject({ id: '1', name: seedUser('1').name, email: seedUser('1').email });
    expect(user.orders.length).toBeGreaterThan(0);
    expect(nullPaths(res.body.data)).toEqual([]);
  });
});
