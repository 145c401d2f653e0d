import type { Logger } from '../logger';
import type { ClientStream, StreamResult } from './client-stream';
import { executeEvent, toStreamResult, type ErrorFormatter, type EventExecution } from './event-execution';
import type { UpstreamRequest } from './upstream/subgraph-sockets';
import type { UpstreamHub } from './upstream/upstream-hub';

/** One client subscription fed by a shared execution. */
export interface ExecutionListener {
  stream: ClientStream;
  /** Told after each event handed to this listener's stream (metrics). */
  delivered(): void;
}

/** What opening a shared execution needs (from its first subscriber). */
export interface ExecutionSpec {
  execution: EventExecution;
  upstream: UpstreamRequest;
  log: Logger;
}

interface Shared {
  listeners: Set<ExecutionListener>;
  /** Results go out in the order the subgraph sent the events, however long each one's enrichment takes. */
  tail: Promise<void>;
  unlisten: () => void;
}

/**
 * Subscriptions that are the same operation, variables and caller get the same result for every
 * event, so each event is enriched once per such group and the result goes to every member
 * (without this, 100 tabs of one user cost 100 entity fetches per event). The group's fetches run
 * with its first member's request context (request id, log). Below it, UpstreamHub shares the
 * subgraph subscription itself between groups with the same primary fetch.
 */
export class SharedExecutions {
  private readonly groups = new Map<string, Shared>();

  constructor(
    private readonly hub: UpstreamHub,
    private readonly formatError: ErrorFormatter,
  ) {}

  /** Adds `listener` to the group `key`, opening it from `spec()` if it does not exist; returns the way out. */
  join(key: string, spec: () => ExecutionSpec, listener: ExecutionListener): () => void {
    let group = this.groups.get(key);
    if (!group) group = this.open(key, spec());
    group.listeners.add(listener);
    const joined = group;
    return () => {
      if (!joined.listeners.delete(listener) || joined.listeners.size > 0) return;
      if (this.groups.get(key) === joined) this.groups.delete(key);
      joined.unlisten();
    };
  }

  private open(key: string, { execution, upstream, log }: ExecutionSpec): Shared {
    const group: Shared = { listeners: new Set(), tail: Promise.resolve(), unlisten: () => undefined };
    this.groups.set(key, group);
    group.unlisten = this.hub.listen(upstream, {
      event: (event) => {
        const takers = [...group.listeners].filter((l) => l.stream.reserve());
        if (takers.length === 0) return;
        const result: Promise<StreamResult> = executeEvent(execution, event).then(
          (r) => toStreamResult(r, this.formatError),
          (err: unknown) => {
            log.error({ err }, 'subscription event failed');
            return { errors: [this.formatError({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, err)] };
          },
        );
        group.tail = group.tail.then(async () => {
          const value = await result;
          for (const l of takers) {
            l.stream.deliver(value);
            l.delivered();
          }
        });
      },
      end: (error) => {
        if (this.groups.get(key) === group) this.groups.delete(key);
        // After the events already on their way.
        group.tail = group.tail.then(() => {
          for (const l of [...group.listeners]) {
            if (error) l.stream.fail('subgraph_unavailable', error);
            else l.stream.complete();
          }
        });
      },
    });
    return group;
  }
}
