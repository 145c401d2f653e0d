import { Counter, Histogram, type Registry } from 'prom-client';

const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Per-route HTTP metrics, beside the GraphQL ones (a route's operation is also counted in
 * frontdoor_graphql_requests_total under its operation name). Labels are the configured methods
 * and path templates (`/api/orders/{id}`) and statuses: bounded by the config, never a raw path.
 */
export class RestMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly children = new Map<string, { inc(): void }>();
  private readonly durations = new Map<string, { observe(value: number): void }>();

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'frontdoor_rest_requests_total',
      help: 'Requests to REST routes by method, route (path template) and the HTTP status answered (304 included).',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'frontdoor_rest_request_duration_seconds',
      help: 'Time from request arrival to the answer, by REST route (method and path template).',
      labelNames: ['method', 'route'] as const,
      buckets: DURATION_BUCKETS_S,
      registers: [registry],
    });
  }

  /** Labelled children are kept per label set, as GatewayMetrics does on the hot path. */
  record(method: string, route: string, status: number, durationS: number): void {
    const key = `${method} ${route}`;
    let count = this.children.get(`${key}\n${status}`);
    if (!count) this.children.set(`${key}\n${status}`, (count = this.requests.labels({ method, route, status: String(status) })));
    count.inc();
    let duration = this.durations.get(key);
    if (!duration) this.durations.set(key, (duration = this.duration.labels({ method, route })));
    duration.observe(durationS);
  }
}
