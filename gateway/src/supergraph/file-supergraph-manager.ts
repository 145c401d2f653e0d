import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];
import type { Logger } from '../logger';

export interface FileSupergraphManagerOptions {
  /** Absolute path of the supergraph SDL file. */
  path: string;
  /** Swap the schema when the file changes. */
  watch: boolean;
  log: Logger;
  /** Quiet period after the last file event before reloading, in ms: editors and `compose` write in several steps. @default 100 */
  debounceMs?: number;
  /** Told about every reload attempt (tests and metrics). */
  onReload?: (outcome: ReloadOutcome) => void;
}

export type ReloadOutcome =
  | { status: 'updated'; hash: string }
  | { status: 'unchanged'; hash: string }
  | { status: 'rejected'; error: string };

/**
 * Loads the supergraph from a file and, when `watch` is on, hands every changed version to
 * @apollo/gateway. The gateway builds the new schema before swapping it in (in-flight requests
 * finish on the old one); a file that fails to load is logged and the previous schema stays.
 */
export class FileSupergraphManager implements SupergraphManager {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private currentHash = '';
  private reloading: Promise<void> = Promise.resolve();
  private readonly waiting = new AbortController();

  constructor(private readonly opts: FileSupergraphManagerOptions) {}

  /** Stops waiting for a supergraph that has not appeared yet (shutdown during start-up). */
  abort(): void {
    this.waiting.abort();
  }

  async initialize({ update }: SupergraphSdlHookOptions): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    const supergraphSdl = await waitForFile(this.opts.path, this.waiting.signal, this.opts.log);
    this.currentHash = hash(supergraphSdl);
    if (this.opts.watch) this.startWatching(update);
    return { supergraphSdl, cleanup: async () => this.stopWatching() };
  }

  /** Current SDL's sha256, for /ready and logs. */
  get hash(): string {
    return this.currentHash;
  }

  private startWatching(update: SupergraphSdlHookOptions['update']): void {
    // Watch the directory, not the file: `mv new supergraph.graphql` and editors' atomic saves
    // replace the inode, which a file watch would stop seeing after the first change.
    const dir = path.dirname(this.opts.path);
    const base = path.basename(this.opts.path);
    this.watcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (filename !== null && filename.toString() !== base) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.reloading = this.reloading.then(() => this.reload(update));
      }, this.opts.debounceMs ?? 100);
    });
    this.watcher.on('error', (err) => this.opts.log.error({ err }, 'supergraph watch failed'));
  }

  private async reload(update: SupergraphSdlHookOptions['update']): Promise<void> {
    let sdl: string;
    try {
      sdl = await readFile(this.opts.path, 'utf8');
    } catch (err) {
      // A file that disappears for a moment (rename in progress) is not an error yet.
      this.report({ status: 'rejected', error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
      return;
    }
    const next = hash(sdl);
    if (next === this.currentHash) return this.report({ status: 'unchanged', hash: next });
    try {
      update(sdl);
      this.currentHash = next;
      this.opts.log.info({ path: this.opts.path, hash: next }, 'supergraph reloaded');
      this.report({ status: 'updated', hash: next });
    } catch (err) {
      this.opts.log.error({ path: this.opts.path, error: (err as Error).message }, 'supergraph reload rejected, keeping the previous schema');
      this.report({ status: 'rejected', error: (err as Error).message });
    }
  }

  private report(outcome: ReloadOutcome): void {
    this.opts.onReload?.(outcome);
  }

  private async stopWatching(): Promise<void> {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.reloading;
  }
}

/** How often a missing supergraph file is looked for, in ms. */
const MISSING_FILE_POLL_MS = 500;

/**
 * Reads the supergraph, waiting for it to appear: a gateway may start before its supergraph is
 * mounted or composed. Meanwhile /health is up and /ready says `supergraph: not loaded`.
 */
export async function waitForFile(file: string, signal: AbortSignal, log: Logger): Promise<string> {
  let warned = false;
  for (;;) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (!warned) log.warn({ path: file }, 'supergraph file does not exist yet; waiting for it');
      warned = true;
    }
    if (signal.aborted) throw new Error('stopped while waiting for the supergraph');
    await new Promise((r) => setTimeout(r, MISSING_FILE_POLL_MS));
  }
}

function hash(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex');
}
