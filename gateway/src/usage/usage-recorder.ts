import type { Logger } from '../logger';
import { UsageAggregator } from './usage-aggregator';
import type { UsageSink } from './usage-sink';

export interface UsageRecorderOptions {
  sink: UsageSink;
  /** How often recorded usage is written out, in ms. */
  flushMs: number;
  log: Logger;
}

/** Owns the aggregator's flush timer; `stop()` writes the last batch. */
export class UsageRecorder {
  readonly aggregator = new UsageAggregator();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: UsageRecorderOptions) {
    this.timer = setInterval(() => void this.flush(), opts.flushMs);
    this.timer.unref();
  }

  /** Writes what was recorded since the last flush; a failed write is logged and dropped (usage is advisory). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.aggregator.drain();
      if (!batch) return;
      try {
        await this.opts.sink.write(batch);
      } catch (err) {
        this.opts.log.warn({ error: (err as Error).message, coordinates: batch.counts.size }, 'usage flush failed');
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
