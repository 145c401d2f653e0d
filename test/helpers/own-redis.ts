import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

export interface OwnRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: no goodbye to clients, as when a host dies). */
  kill(): Promise<void>;
  /**
   * Kills it if it runs, then starts it again on the same port: empty without persistence, with
   * every acknowledged write when started `persistent`.
   */
  restart(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

export interface OwnRedisOptions {
  /** Append-only file fsynced on every write, in a temporary directory: a restart loses nothing. @default false */
  persistent?: boolean;
}

/** A redis-server of the test's own on a free port, so the test can take it away. */
export async function startOwnRedis(opts: OwnRedisOptions = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = opts.persistent ? mkdtempSync(path.join(tmpdir(), 'frontdoor-redis-')) : undefined;
  const args = dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : [];
  let child = await spawnRedis(port, args);
  const kill = () => killChild(child);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: async () => {
      await kill();
      child = await spawnRedis(port, args);
    },
    stop: async () => {
      await kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `redis-server` with `args` on `port` and resolves once it answers PING. */
export async function spawnRedis(port: number, extraArgs: readonly string[] = [], cwd?: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs];
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore', ...(cwd ? { cwd } : {}) });
  // Without a listener a missing binary (ENOENT) would be an uncaught 'error' event.
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  for (let i = 0; i < 100 && !spawnError; i += 1) {
    if (await answersPing(port)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}${spawnError ? ` (${spawnError.message})` : ''}`);
}

export function killChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
