import { Counter, Gauge, type Registry } from 'prom-client';
import type { EndReason } from './client-stream';
import type { SubscriptionProtocol } from './subscription-slot';

/**
 * The subscription metrics, on the gateway's registry. Labels are bounded: protocols and reasons
 * are fixed lists, subgraphs come from the supergraph.
 */
export class SubscriptionMetrics {
  readonly active: Gauge<'protocol' | 'subgraph'>;
  readonly events: Counter<'protocol' | 'subgraph'>;
  readonly closed: Counter<'reason'>;

  constructor(registry: Registry, upstreams: () => Map<string, { upstreams: number }>) {
    this.active = new Gauge({
      name: 'frontdoor_subscriptions_active',
      help: 'Open client subscriptions, by protocol (ws, multipart, sse) and the subgraph that streams them.',
      labelNames: ['protocol', 'subgraph'] as const,
      registers: [registry],
    });
    this.events = new Counter({
      name: 'frontdoor_subscription_events_total',
      help: 'Events delivered to subscribers (after enrichment), by protocol and subgraph.',
      labelNames: ['protocol', 'subgraph'] as const,
      registers: [registry],
    });
    this.closed = new Counter({
      name: 'frontdoor_subscriptions_closed_total',
      help: 'Ended subscriptions by reason: complete, client, subgraph_unavailable, unauthenticated, backlog, schema_changed, shutdown, error.',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    new Gauge({
      name: 'frontdoor_subscription_upstreams_active',
      help: 'Open subscriptions to subgraphs. Identical client subscriptions (subgraph, operation, variables, caller) share one: frontdoor_subscriptions_active summed per subgraph, minus this, is how many ride on a shared one.',
      labelNames: ['subgraph'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [subgraph, s] of upstreams()) this.set({ subgraph }, s.upstreams);
      },
    });
  }

  opened(protocol: SubscriptionProtocol, subgraph: string): void {
    this.active.inc({ protocol, subgraph });
  }

  ended(protocol: SubscriptionProtocol, subgraph: string, reason: EndReason): void {
    this.active.dec({ protocol, subgraph });
    this.closed.inc({ reason });
  }
}
