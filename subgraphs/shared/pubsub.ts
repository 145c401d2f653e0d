/**
 * Events between a subgraph's mutations and its subscriptions. In memory by default (one process);
 * through Redis pub/sub when REDIS_URL is set, so a mutation served by one replica reaches the
 * subscribers connected to another. Payloads are plain JSON: they cross processes.
 */
import { EventEmitter } from 'node:events';

export type Listener = (payload: unknown) => void;

export interface PubSub {
  /** Delivers `payload` to every current subscriber of `topic`, in every process sharing this pub/sub. */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Resolves once the subscription is live (an event published after that is delivered); returns the unsubscribe. */
  subscribe(topic: string, listener: Listener): Promise<() => void>;
  /** Topics with at least one local subscriber, and how many (tests wait on it). */
  localSubscribers(): number;
  close(): Promise<void>;
}

/** One process: an EventEmitter. Payloads go through JSON like Redis, so both behave the same. */
export class MemoryPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private count = 0;

  async publish(topic: string, payload: unknown): Promise<void> {
    const text = JSON.stringify(payload);
    this.emitter.emit(topic, text);
  }

  async subscribe(topic: string, listener: Listener): Promise<() => void> {
    const handler = (text: string): void => listener(JSON.parse(text) as unknown);
    this.emitter.on(topic, handler);
    this.count += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count -= 1;
      this.emitter.off(topic, handler);
    };
  }

  localSubscribers(): number {
    return this.count;
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
