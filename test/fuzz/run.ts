/**
 * `npm run fuzz`: the request-surface fuzz of test/integration/request-fuzz.test.ts, longer; with
 * `--ws`, the WebSocket session fuzz of test/integration/ws-fuzz.test.ts instead.
 * Prints what was sent and seen as tables; exits 1 on the first problem (with its replay seed).
 *
 *   npm run fuzz -- --runs 20000 --minutes 10 [--seed 123] [--redis redis://127.0.0.1:6379] [--ws]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fuzz } from './fuzz-run';
import { startFuzzStack, type FuzzStack } from './fuzz-stack';
import { fuzzWebSocket } from './ws-fuzz-run';

interface RunOptions {
  numRuns: number;
  timeLimitMs: number;
  seed?: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5000' },
      minutes: { type: 'string', default: '5' },
      seed: { type: 'string' },
      redis: { type: 'string' },
      ws: { type: 'boolean', default: false },
    },
  });
  const env: Record<string, string> = values.redis ? { REDIS_URL: values.redis, REDIS_KEY_PREFIX: `fuzz:${randomUUID()}:` } : {};
  const stack = await startFuzzStack(env);
  try {
    const startedAt = Date.now();
    const options: RunOptions = { numRuns: Number(values.runs), timeLimitMs: Number(values.minutes) * 60_000, ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}) };
    const failure = values.ws ? await sessions(stack, options, startedAt) : await requests(stack, options, startedAt);
    // A gateway that crashed or stopped answering is a finding too, reported with the rest.
    const afterwards = await stack.afterwards().catch((err: unknown) => [`the gateway did not answer afterwards: ${(err as Error).message}`]);
    const gone = stack.gateway.exit ? [`gateway process exited ${JSON.stringify(stack.gateway.exit)}; stderr: ${stack.gateway.stderrTail()}`] : [];
    const { errorLines } = stack.gateway;
    const logged = [
      ...errorLines.slice(0, 5).map((l) => `error log line: ${JSON.stringify(l).slice(0, 500)}`),
      ...(errorLines.length > 5 ? [`… and ${errorLines.length - 5} more error log lines`] : []),
    ];
    const problems = [...(failure ? [failure] : []), ...afterwards, ...gone, ...logged];
    for (const problem of problems) process.stdout.write(`\nPROBLEM: ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

async function requests(stack: FuzzStack, options: RunOptions, startedAt: number): Promise<string | undefined> {
  const report = await fuzz({ origin: stack.gateway.origin, probes: stack.probes, ...options, exited: () => exited(stack) });
  summary(`${report.runs} probes`, report.seed, report.interrupted, startedAt);
  table('status', report.statuses);
  table('media type', report.mediaTypes);
  table('error code', report.codes);
  return report.failure;
}

async function sessions(stack: FuzzStack, options: RunOptions, startedAt: number): Promise<string | undefined> {
  const report = await fuzzWebSocket({ origin: stack.gateway.origin, sessions: stack.sessions, ...options, exited: () => exited(stack) });
  summary(`${report.runs} WebSocket sessions`, report.seed, report.interrupted, startedAt);
  table('handshake status', report.handshakes);
  table('close code', report.closes);
  table('message type', report.messages);
  table('error code', report.codes);
  return report.failure;
}

function exited(stack: FuzzStack): string | undefined {
  return stack.gateway.exit ? JSON.stringify(stack.gateway.exit) : undefined;
}

function summary(what: string, seed: number, interrupted: boolean, startedAt: number): void {
  const seconds = (Date.now() - startedAt) / 1000;
  process.stdout.write(`\n${what} in ${seconds.toFixed(1)} s (seed ${seed}${interrupted ? ', stopped by the time limit' : ''})\n\n`);
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
