import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../gateway/src/node-flags';
import { freePort } from '../helpers/ports';

const ROOT = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  /** e.g. http://127.0.0.1:43210 */
  origin: string;
  /** Log lines at level error or above (pino: 50+), parsed. */
  errorLines: Array<Record<string, unknown>>;
  /** Set once the process has exited: a crash is visible here and as refused connections. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The last few KiB of stderr (uncaught exceptions land there). */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The gateway as its own process, started the way production starts it (`gateway/src/main.ts`,
 * the same node flags), so that whatever a request does to it (an uncaught exception, a crash)
 * shows instead of being absorbed by the test's process.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, '--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'error', SUPERGRAPH_WATCH: 'false', SHUTDOWN_GRACE_MS: '2000', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let pending = '';
  const errorLines: Array<Record<string, unknown>> = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (typeof parsed.level === 'number' && parsed.level >= 50) errorLines.push(parsed);
      } catch {
        errorLines.push({ level: 50, msg: 'unparsable stdout line', line });
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const handle: GatewayProcess = {
    origin: `http://127.0.0.1:${port}`,
    errorLines,
    exit: undefined,
    stderrTail: () => stderr,
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        if (handle.exit) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
  child.once('exit', (code, signal) => {
    handle.exit = { code, signal };
  });
  await waitUntilReady(handle);
  return handle;
}

async function waitUntilReady(gateway: GatewayProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gateway.exit) throw new Error(`gateway exited during start-up (${JSON.stringify(gateway.exit)}): ${gateway.stderrTail()}`);
    const ready = await fetch(`${gateway.origin}/ready`).then((r) => r.status === 200, () => false);
    if (ready) return;
    if (Date.now() > deadline) {
      await gateway.stop();
      throw new Error('gateway did not become ready in time');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
