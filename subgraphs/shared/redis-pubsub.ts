/**
 * Redis pub/sub for subgraph events (REDIS_URL): one connection publishes, one subscribes; each
 * topic is one channel (`<prefix><topic>`), subscribed while it has local listeners. Delivery is
 * Redis's: at most once, to the replicas subscribed at publish time.
 */
import { Redis } from 'ioredis';
import type { Logger } from './logger';
import type { Listener, PubSub } from './pubsub';

export interface RedisPubSubOptions {
  url: string;
  /** Channel prefix, so deployments (and tests) sharing one Redis do not hear each other. */
  prefix: string;
  log: Logger;
}

export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** SUBSCRIBE in flight per channel: a second listener waits for the same confirmation. */
  private readonly subscribing = new Map<string, Promise<unknown>>();
  private count = 0;

  constructor(private readonly opts: RedisPubSubOptions) {
    const common = { lazyConnect: false, maxRetriesPerRequest: 2, connectTimeout: 2000 };
    this.publisher = new Redis(opts.url, common);
    this.subscriber = new Redis(opts.url, common);
    for (const client of [this.publisher, this.subscriber]) client.on('error', (err: Error) => opts.log.warn({ err: err.message }, 'redis pub/sub error'));
    this.subscriber.on('message', (channel: string, text: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let payload: unknown;
      try {
        payload = JSON.parse(text) as unknown;
      } catch {
        opts.log.warn({ channel }, 'redis pub/sub message is not JSON; dropped');
        return;
      }
      for (const listener of set) listener(payload);
    });
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.publisher.publish(this.opts.prefix + topic, JSON.stringify(payload));
  }

  async subscribe(topic: string, listener: Listener): Promise<() => void> {
    const channel = this.opts.prefix + topic;
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      this.subscribing.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(listener);
    this.count += 1;
    try {
      await this.subscribing.get(channel);
    } catch (err) {
      this.remove(channel, listener);
      throw err;
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.remove(channel, listener);
    };
  }

  localSubscribers(): number {
    return this.count;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private remove(channel: string, listener: Listener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener)) return;
    this.count -= 1;
    if (set.size > 0) return;
    this.listeners.delete(channel);
    this.subscribing.delete(channel);
    this.subscriber.unsubscribe(channel).catch((err: unknown) => this.opts.log.warn({ err: String(err), channel }, 'redis unsubscribe failed'));
  }
}
