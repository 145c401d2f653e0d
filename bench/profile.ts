/**
 * Where Frontdoor's time goes: the five subgraphs and Frontdoor (every feature on) in their own
 * processes, Frontdoor under `node --cpu-prof`, 2 s warm-up + PROF_S (10) s of the profile query
 * at 16 connections, then a clean stop so the profile is written to PROF_DIR (/tmp/fd-prof).
 * Open the .cpuprofile in Chrome DevTools (Performance tab) or speedscope.
 *   node --import tsx bench/profile.ts
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { tmpdir } from 'node:os';
import autocannon from 'autocannon';
import { SUBGRAPH_NAMES } from '../subgraphs/registry';
import { ROOT, freePort, spawnTs, stopAll, waitForGraphQL, type Child } from './processes';
import { BENCH_IDENTITY_SECRET, frontdoorFeatureEnv, frontdoorRequestHeaders } from './features';
const PROFILE = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');
async function main() {
  const children: Child[] = [];
  const urls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const port = await freePort();
    children.push(spawnTs(name, `subgraphs/${name}/main.ts`, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET }));
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  await Promise.all(children.map((c) => waitForGraphQL(c, urls[c.name]!)));
  let sdl = readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(urls)) sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*(")`), `$1${url}$2`);
  const sp = path.join(mkdtempSync(path.join(tmpdir(), 'fd-prof-')), 'supergraph.graphql');
  writeFileSync(sp, sdl);
  const port = await freePort();
  const dir = process.env.PROF_DIR ?? '/tmp/fd-prof';
  const entry = process.env.PROF_ENTRY ?? 'gateway/src/main.ts';
  const proc = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT, env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', ...frontdoorFeatureEnv(), PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_PATH: sp, SUPERGRAPH_WATCH: 'false' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const gw: Child = { name: 'gw', proc, stderrTail: [] };
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(gw, url);
  const headers = { 'content-type': 'application/json', ...(await frontdoorRequestHeaders()) };
  const run = (d: number) => autocannon({ url, connections: 16, duration: d, requests: [{ method: 'POST', headers, setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: PROFILE, variables: { id: String(1 + Math.floor(Math.random() * 1000)) } }) }) }] });
  await run(2);
  const r = await run(Number(process.env.PROF_S ?? 10));
  console.log('req/s', r.requests.average, 'p99', r.latency.p99, 'non2xx', r.non2xx);
  await stopAll([gw, ...children]);
}
main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${String(err)}\n`);
  process.exitCode = 1;
});
