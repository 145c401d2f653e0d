/**
 * `npm run fuzz`: the request-surface fuzz of test/integration/request-fuzz.test.ts, longer.
 * Prints what was sent and seen as tables; exits 1 on the first problem (with its replay seed).
 *
 *   npm run fuzz -- --runs 20000 --minutes 10 [--seed 123] [--redis redis://127.0.0.1:6379]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fuzz } from './fuzz-run';
import { startFuzzStack } from './fuzz-stack';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5000' }, minutes: { type: 'string', default: '5' }, seed: { type: 'string' }, redis: { type: 'string' } },
  });
  const env: Record<string, string> = values.redis ? { REDIS_URL: values.redis, REDIS_KEY_PREFIX: `fuzz:${randomUUID()}:` } : {};
  const stack = await startFuzzStack(env);
  try {
    const startedAt = Date.now();
    const report = await fuzz({
      origin: stack.gateway.origin,
      probes: stack.probes,
      numRuns: Number(values.runs),
      timeLimitMs: Number(values.minutes) * 60_000,
      ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
      exited: () => (stack.gateway.exit ? JSON.stringify(stack.gateway.exit) : undefined),
    });
    const seconds = (Date.now() - startedAt) / 1000;
    process.stdout.write(`\n${report.runs} probes in ${seconds.toFixed(1)} s (seed ${report.seed}${report.interrupted ? ', stopped by the time limit' : ''})\n\n`);
    table('status', report.statuses);
    table('error code', report.codes);
    const afterwards = await stack.afterwards();
    const problems = [...(report.failure ? [report.failure] : []), ...afterwards, ...stack.gateway.errorLines.map((l) => `error log line: ${JSON.stringify(l).slice(0, 500)}`)];
    for (const problem of problems) process.stdout.write(`\nPROBLEM: ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

function table(title: string, counts: Record<string, number>): void {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  process.stdout.write(`| ${title.padEnd(width)} | count |\n|${'-'.repeat(width + 2)}|-------|\n`);
  for (const [key, count] of rows) process.stdout.write(`| ${key.padEnd(width)} | ${String(count).padStart(5)} |\n`);
  process.stdout.write('\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
