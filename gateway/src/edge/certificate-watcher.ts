import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { readPemFiles, type LoadedPem, type PemPaths } from './tls-files';

export type CertificateReloadOutcome =
  | { status: 'reloaded'; fingerprint256: string }
  | { status: 'unchanged' }
  | { status: 'failed'; problem: string };

export interface CertificateWatcherOptions {
  paths: PemPaths;
  /** The pair being served now: a reload that reads the same bytes changes nothing. */
  current: LoadedPem;
  /** Quiet time after the last change before reading, in ms. */
  debounceMs: number;
  /** Installs a new, already validated pair (tlsServer.setSecureContext). */
  apply(pem: LoadedPem): void;
  log: Logger;
  /** Told about every reload attempt (metrics, tests). */
  onReload?: (outcome: CertificateReloadOutcome) => void;
}

/**
 * Rotation without restart. It watches the directories, not the files: editors, cert-manager and
 * Kubernetes secret volumes replace files by rename (or swap a `..data` symlink), which a watch on
 * the old file's inode never reports. Any change in those directories schedules one debounced
 * re-read; a pair that fails to load is logged and the served one kept, so a half-finished
 * rotation never takes HTTPS down.
 */
export class CertificateWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private current: LoadedPem;

  constructor(private readonly opts: CertificateWatcherOptions) {
    this.current = opts.current;
  }

  start(): void {
    const files = [this.opts.paths.certFile, this.opts.paths.keyFile, this.opts.paths.chainFile].filter((f): f is string => Boolean(f));
    for (const dir of new Set(files.map((f) => path.dirname(f)))) {
      const watcher = watch(dir, { persistent: false }, () => this.schedule());
      watcher.on('error', (err) => this.opts.log.warn({ dir, err: err.message }, 'tls certificate watch failed'));
      this.watchers.push(watcher);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  /** Reads the files now (the watcher calls it after the debounce). */
  reload(): CertificateReloadOutcome {
    const loaded = readPemFiles(this.opts.paths);
    let outcome: CertificateReloadOutcome;
    if (!loaded.ok) {
      outcome = { status: 'failed', problem: loaded.problem };
      // A human must look: the next rotation step may expire the certificate still being served.
      this.opts.log.error({ problem: loaded.problem, served: this.current.fingerprint256 }, 'tls certificate reload failed; keeping the current one');
    } else if (loaded.cert === this.current.cert && loaded.key === this.current.key) {
      outcome = { status: 'unchanged' };
    } else {
      this.opts.apply(loaded);
      this.current = loaded;
      outcome = { status: 'reloaded', fingerprint256: loaded.fingerprint256 };
      this.opts.log.info({ fingerprint256: loaded.fingerprint256 }, 'tls certificate reloaded');
    }
    this.opts.onReload?.(outcome);
    return outcome;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload();
    }, this.opts.debounceMs);
    this.timer.unref();
  }
}
