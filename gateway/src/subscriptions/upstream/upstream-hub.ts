import type { GraphQLError } from 'graphql';
import type { FormattedExecutionResult } from 'graphql-ws';
import { gatewayError } from '../../errors';
import type { Logger } from '../../logger';
import type { UpstreamRequest } from './subgraph-sockets';

export type UpstreamEvent = FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>;

/** One client subscription listening to an upstream. */
export interface UpstreamListener {
  event(result: UpstreamEvent): void;
  /** The upstream ended: `error` when the subgraph went away (SUBGRAPH_UNAVAILABLE), none when it completed. */
  end(error?: GraphQLError): void;
}

/** How the hub opens a subscription upstream (SubgraphSockets in production). */
export interface UpstreamOpener {
  subscribe(request: UpstreamRequest, sink: { next(result: UpstreamEvent): void; error(cause: string): void; complete(): void }): () => void;
}

interface Shared {
  subgraph: string;
  listeners: Set<UpstreamListener>;
  unsubscribe: () => void;
}

/**
 * Identical upstream subscriptions share one: same subgraph, operation, variables and caller (a
 * subgraph's answer may depend on who asks, so callers never share). The first listener opens it,
 * the last one to leave closes it; every event goes to every listener.
 */
export class UpstreamHub {
  private readonly shared = new Map<string, Shared>();

  constructor(
    private readonly opener: UpstreamOpener,
    private readonly log: Logger,
  ) {}

  /** Listens to the upstream for `request`, opening it if nobody else does; returns the way out. */
  listen(request: UpstreamRequest, listener: UpstreamListener): () => void {
    const key = upstreamKey(request);
    let entry = this.shared.get(key);
    if (!entry) {
      const created: Shared = { subgraph: request.subgraph, listeners: new Set([listener]), unsubscribe: () => undefined };
      this.shared.set(key, created);
      const finish = (error?: GraphQLError): void => {
        if (this.shared.get(key) !== created) return;
        this.shared.delete(key);
        for (const l of [...created.listeners]) l.end(error);
        created.listeners.clear();
      };
      created.unsubscribe = this.opener.subscribe(request, {
        next: (result) => {
          for (const l of [...created.listeners]) l.event(result);
        },
        error: (cause) => {
          this.log.warn({ subgraph: request.subgraph, cause }, 'subgraph subscription lost');
          finish(gatewayError('SUBGRAPH_UNAVAILABLE', { serviceName: request.subgraph }));
        },
        complete: () => finish(),
      });
      entry = created;
    } else {
      entry.listeners.add(listener);
    }
    const joined = entry;
    return () => {
      if (!joined.listeners.delete(listener) || joined.listeners.size > 0) return;
      if (this.shared.get(key) === joined) this.shared.delete(key);
      joined.unsubscribe();
    };
  }

  /** Open upstream subscriptions and their listeners, per subgraph (metrics). */
  stats(): Map<string, { upstreams: number; listeners: number }> {
    const out = new Map<string, { upstreams: number; listeners: number }>();
    for (const { subgraph, listeners } of this.shared.values()) {
      const s = out.get(subgraph) ?? { upstreams: 0, listeners: 0 };
      s.upstreams += 1;
      s.listeners += listeners.size;
      out.set(subgraph, s);
    }
    return out;
  }
}

function upstreamKey(r: UpstreamRequest): string {
  const caller = `${r.principal.id ?? ''}\u0000${[...r.principal.scopes].sort().join(' ')}`;
  return `${r.subgraph}\u0000${r.operation}\u0000${stableJson(r.variables)}\u0000${caller}`;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` share. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
