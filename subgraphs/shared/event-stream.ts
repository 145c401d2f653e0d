/**
 * A subscription resolver's source: the events of one pub/sub topic as an async iterator, the shape
 * graphql-js's `subscribe` wants. The pub/sub subscription is live before the iterator is returned,
 * so an event published once the client's subscription is set up is never missed. A reader that
 * falls more than `maxQueued` events behind is ended (its gateway sees the stream complete) instead
 * of growing memory.
 */
import type { PubSub } from './pubsub';

/** Events buffered for one slow subscriber before its stream is ended. */
const DEFAULT_MAX_QUEUED = 1000;

export async function topicStream<T>(
  pubsub: PubSub,
  topic: string,
  opts: { filter?: (payload: T) => boolean; maxQueued?: number } = {},
): Promise<AsyncIterableIterator<T>> {
  const maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let ended = false;
  // Replaced once the pub/sub confirms; an overflow before that cannot happen (the queue starts empty).
  let unsubscribe: () => void = () => undefined;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };
  unsubscribe = await pubsub.subscribe(topic, (payload) => {
    const event = payload as T;
    if (ended || (opts.filter && !opts.filter(event))) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (queue.length >= maxQueued) return finish();
    queue.push(event);
  });
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      const event = queue.shift();
      if (event !== undefined) return Promise.resolve({ value: event, done: false });
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: () => {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw: (err: unknown) => {
      finish();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
