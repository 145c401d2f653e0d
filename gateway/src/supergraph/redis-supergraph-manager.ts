import { createHash } from 'node:crypto';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '../logger';
import { createSubscriber, type RedisClient } from '../redis';
import { waitForFile, type ReloadOutcome } from './file-supergraph-manager';
import { SUPERGRAPH_KEY, supergraphChannel } from './redis-supergraph-keys';

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

/** After a failed read, retries this many times, this far apart, before leaving it to the poll. */
const RELOAD_RETRIES = 3;
const RELOAD_RETRY_MS = 500;

export interface RedisSupergraphManagerOptions {
  redis: RedisClient;
  keyPrefix: string;
  /** Used when nothing has been published to Redis yet. */
  fallbackPath: string;
  /** Re-read the published supergraph this often even without a notification (a missed message during a reconnect), in ms. */
  pollMs: number;
  log: Logger;
  onReload?: (outcome: ReloadOutcome) => void;
}

/**
 * The fleet's supergraph: `npm run publish` writes it to Redis and publishes a notification;
 * every instance subscribed to the channel loads it within a round trip. A supergraph that fails
 * to load is logged and the previous one keeps serving.
 */
export class RedisSupergraphManager implements SupergraphManager {
  private subscriber: RedisClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private currentHash = '';
  /** The last published SDL that failed to load: not retried on every poll. */
  private rejectedHash = '';
  private reloading: Promise<void> = Promise.resolve();
  private readonly waiting = new AbortController();

  constructor(private readonly opts: RedisSupergraphManagerOptions) {}

  /** Stops waiting for a fallback file that has not appeared yet (shutdown during start-up). */
  abort(): void {
    this.waiting.abort();
  }

  get hash(): string {
    return this.currentHash;
  }

  async initialize({ update }: SupergraphSdlHookOptions): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    const published = await this.opts.redis.get(SUPERGRAPH_KEY).catch((err: Error) => {
      this.opts.log.warn({ error: err.message }, 'cannot read the published supergraph; using the file');
      return null;
    });
    const supergraphSdl = published ?? (await waitForFile(this.opts.fallbackPath, this.waiting.signal, this.opts.log));
    if (!published) this.opts.log.info({ path: this.opts.fallbackPath }, 'no published supergraph in Redis yet; serving the file');
    this.currentHash = hash(supergraphSdl);
    await this.subscribe(update);
    this.timer = setInterval(() => this.schedule(update), this.opts.pollMs);
    this.timer.unref();
    return { supergraphSdl, cleanup: () => this.stop() };
  }

  private async subscribe(update: SupergraphSdlHookOptions['update']): Promise<void> {
    const subscriber = createSubscriber(this.opts.redis);
    this.subscriber = subscriber;
    subscriber.on('message', () => this.schedule(update));
    // After a reconnect the subscription is restored by ioredis, but a message sent meanwhile is lost.
    subscriber.on('ready', () => this.schedule(update));
    await subscriber.subscribe(supergraphChannel(this.opts.keyPrefix)).catch((err: Error) => {
      this.opts.log.warn({ error: err.message }, 'cannot subscribe to supergraph updates; polling only');
    });
  }

  private schedule(update: SupergraphSdlHookOptions['update'], attempt = 0): void {
    this.reloading = this.reloading.then(() => this.reload(update, attempt));
  }

  private async reload(update: SupergraphSdlHookOptions['update'], attempt: number): Promise<void> {
    let sdl: string | null;
    try {
      sdl = await this.opts.redis.get(SUPERGRAPH_KEY);
    } catch (err) {
      // Redis down or slow: keep serving what we have. A notification said there is something
      // new, so try again shortly (a few times) rather than only at the next poll.
      this.opts.log.warn({ error: (err as Error).message, attempt }, 'cannot read the published supergraph');
      if (attempt < RELOAD_RETRIES && this.subscriber) setTimeout(() => this.schedule(update, attempt + 1), RELOAD_RETRY_MS).unref();
      return;
    }
    if (sdl === null) return;
    const next = hash(sdl);
    if (next === this.currentHash || next === this.rejectedHash) return this.opts.onReload?.({ status: 'unchanged', hash: next });
    try {
      update(sdl);
      this.currentHash = next;
      this.opts.log.info({ hash: next }, 'published supergraph loaded');
      this.opts.onReload?.({ status: 'updated', hash: next });
    } catch (err) {
      this.rejectedHash = next;
      this.opts.log.error({ error: (err as Error).message }, 'published supergraph rejected, keeping the previous schema');
      this.opts.onReload?.({ status: 'rejected', error: (err as Error).message });
    }
  }

  private async stop(): Promise<void> {
    clearInterval(this.timer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.disconnect();
    await this.reloading;
  }
}

function hash(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex');
}
