import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger';

export interface PrimaryOptions {
  workers: number;
  log: Logger;
  /** How long a worker may take to drain after SIGTERM before it is killed, in ms. */
  shutdownGraceMs: number;
}

/** A worker that dies within this long of starting is crash-looping: stop restarting it. */
const CRASH_LOOP_MS = 5_000;

/**
 * Cluster mode (CLUSTER_WORKERS > 1): this process only supervises; N workers each run the whole
 * gateway on the same port (the primary shares the listening socket). Workers keep no state that
 * matters across requests (shared state is in Redis), so any worker may answer any request.
 * Resolves with the exit code once every worker has stopped after SIGTERM/SIGINT.
 */
export function runPrimary(opts: PrimaryOptions): Promise<number> {
  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  for (let i = 0; i < opts.workers; i += 1) fork();
  opts.log.info({ workers: opts.workers }, 'cluster primary started');

  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const alive = Object.keys(cluster.workers ?? {}).length;
      if (stopping) {
        if (alive === 0) resolve(0);
        return;
      }
      const livedMs = Date.now() - (startedAt.get(worker.id) ?? 0);
      opts.log.warn({ workerPid: worker.process.pid, code, signal, livedMs }, 'gateway worker exited');
      if (livedMs < CRASH_LOOP_MS) {
        opts.log.error('gateway worker crashed right after starting; stopping the cluster');
        stopAll();
        return;
      }
      fork();
    });
    const stopAll = () => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      if (workers.length === 0) resolve(1);
      for (const w of workers) w.process.kill('SIGTERM');
      setTimeout(() => {
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      }, opts.shutdownGraceMs + 2_000).unref();
    };
    process.on('SIGTERM', stopAll);
    process.on('SIGINT', stopAll);
  });
}

export function isClusterPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}
