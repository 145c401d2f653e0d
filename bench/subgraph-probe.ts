/**
 * What one subgraph process costs per request at a given concurrency: starts the users subgraph
 * and sends it the profile's user query at SP_CONNECTIONS (1, 4, 16 by default), printing
 * req/s and the subgraph's CPU ms per request.   node --import tsx bench/subgraph-probe.ts
 */
import autocannon from 'autocannon';
import { cpuTimeMs, freePort, spawnNode, stopAll, waitForGraphQL } from './processes';
import { BENCH_IDENTITY_SECRET } from './features';

async function main(): Promise<void> {
  const port = await freePort();
  const child = spawnNode('users', 'subgraphs/users/main.ts', { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_USERS: '1000', SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitForGraphQL(child, url);
    const body = JSON.stringify({ query: 'query($id: ID!) { user(id: $id) { id name email } }', variables: { id: '7' } });
    const run = (connections: number, duration: number) =>
      autocannon({ url, connections, duration, requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, body }] });
    await run(4, 2);
    for (const c of (process.env.SP_CONNECTIONS ?? '1,4,16').split(',').map(Number)) {
      const before = cpuTimeMs(child.proc.pid) ?? 0;
      const r = await run(c, Number(process.env.SP_S ?? 4));
      const used = (cpuTimeMs(child.proc.pid) ?? 0) - before;
      console.log(`c=${c}: ${Math.round(r.requests.average)} req/s, ${(used / r.requests.total).toFixed(3)} CPU ms/req`);
    }
  } finally {
    await stopAll([child]);
  }
}
void main();
