import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { gatewayError } from '../errors';

/** One result as a client receives it: errors already formatted (masked, codes kept). */
export interface StreamResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** Why a subscription ended (the `reason` label of frontdoor_subscriptions_closed_total, and the log line). */
export type EndReason =
  | 'complete'
  | 'client'
  | 'subgraph_unavailable'
  | 'unauthenticated'
  | 'backlog'
  | 'schema_changed'
  | 'shutdown'
  | 'error';

/**
 * The events of one client subscription, in order, as the async iterator every door consumes
 * (graphql-ws iterates it; the multipart and SSE writers too). Bounded: at most `maxBacklog` events
 * may be waiting (reserved while they are enriched, then queued until the door takes them); one
 * more and the subscription ends with SUBSCRIPTION_BACKLOG_EXCEEDED, its queue dropped, instead of
 * memory growing behind a client that stopped reading. A terminal error is thrown from `next()`
 * after nothing else (doors turn it into their error message); `end()` is reported exactly once.
 */
export class ClientStream implements AsyncIterableIterator<StreamResult> {
  private readonly queue: StreamResult[] = [];
  private pending = 0;
  private waiting: { resolve: (r: IteratorResult<StreamResult>) => void; reject: (err: unknown) => void } | undefined;
  private failure: GraphQLError | undefined;
  private state: 'open' | 'completing' | 'ended' = 'open';
  private completeReason: EndReason = 'complete';
  private delivered = 0;

  constructor(
    private readonly maxBacklog: number,
    private readonly onEnd: (reason: EndReason, events: number, error?: GraphQLError) => void,
  ) {}

  get open(): boolean {
    return this.state === 'open';
  }

  /** Room for one more event; false (and the subscription ended) when the backlog is full. */
  reserve(): boolean {
    if (this.state !== 'open') return false;
    if (this.pending >= this.maxBacklog) {
      this.fail('backlog', gatewayError('SUBSCRIPTION_BACKLOG_EXCEEDED', { maxBacklog: this.maxBacklog }));
      return false;
    }
    this.pending += 1;
    return true;
  }

  /** A reserved event, ready; `undefined` gives the reservation back (nothing to send). */
  deliver(result: StreamResult | undefined): void {
    if (this.state === 'ended') return;
    if (result === undefined) {
      this.pending -= 1;
      this.settle();
      return;
    }
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      this.pending -= 1;
      this.delivered += 1;
      resolve({ value: result, done: false });
      this.settle();
      return;
    }
    this.queue.push(result);
  }

  /** No more events: the door gets what is queued, then the end. */
  complete(reason: EndReason = 'complete'): void {
    if (this.state !== 'open') return;
    this.state = 'completing';
    this.completeReason = reason;
    this.settle();
  }

  /** Ends now with `error` (sent as the subscription's last message); queued events are dropped. */
  fail(reason: EndReason, error: GraphQLError): void {
    if (this.state === 'ended') return;
    this.failure = error;
    this.queue.length = 0;
    this.pending = 0;
    this.finish(reason, error);
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      this.failure = undefined;
      reject(error);
    }
  }

  next(): Promise<IteratorResult<StreamResult>> {
    const queued = this.queue.shift();
    if (queued !== undefined) {
      this.pending -= 1;
      this.delivered += 1;
      this.settle();
      return Promise.resolve({ value: queued, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.state === 'ended') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** The door is done with it (client unsubscribed or disconnected). */
  return(): Promise<IteratorResult<StreamResult>> {
    this.queue.length = 0;
    this.failure = undefined;
    this.finish('client');
    this.release();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<StreamResult>> {
    this.queue.length = 0;
    this.finish('error');
    this.release();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamResult> {
    return this;
  }

  /** A completing stream ends once every reserved event has gone out. */
  private settle(): void {
    if (this.state !== 'completing' || this.pending > 0) return;
    this.finish(this.completeReason);
    this.release();
  }

  /** A `next()` still waiting on an ended stream gets the end. */
  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  private finish(reason: EndReason, error?: GraphQLError): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.onEnd(reason, this.delivered, error);
  }
}
