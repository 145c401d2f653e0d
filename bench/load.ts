/**
 * One load round against one target, every answer checked.
 *
 * autocannon drives the load (fixed connections, pipelining 1, its HDR latency histogram) and its
 * per-request hooks give us each answer: `setupRequest` picks a random caller and notes it in the
 * connection's context; `onResponse` gets that answer's status and body with the same context
 * (autocannon calls it before it builds the connection's next request, and with pipelining 1 a
 * connection has one request in flight), so each answer is checked against its own caller's
 * reference. Every answer of every target is checked, not a sample; the JSON parse costs the load
 * generator ~1 % of a core at these rates, the same for every target.
 */
import autocannon from 'autocannon';
import { noBadAnswers, classify, type BadAnswers } from './answers';
import { randomCaller, type Caller } from './tokens';

export interface LoadTarget {
  label: string;
  url: string;
  /** The GraphQL document every request sends with `{ id }` of its caller. */
  query: string;
  /** Headers of a request by `caller` (its bearer token, or a signed identity for a subgraph). */
  headersFor: (caller: Caller) => Record<string, string>;
  /** Expected `data` (serialised) per caller id. */
  expected: ReadonlyMap<string, string>;
  /** The process to measure CPU and RSS of (none for the floor's shared subgraph process). */
  pid: number | undefined;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  answers: number;
  bad: BadAnswers;
}

export async function runLoad(target: LoadTarget, callers: readonly Caller[], connections: number, durationS: number): Promise<LoadResult> {
  const bad = noBadAnswers();
  let answers = 0;
  const r = await autocannon({
    url: target.url,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const caller = randomCaller(callers);
          context.callerId = caller.id;
          return { ...req, headers: { 'content-type': 'application/json', ...target.headersFor(caller) }, body: JSON.stringify({ query: target.query, variables: { id: caller.id } }) };
        },
        onResponse: (status, body, context) => {
          answers += 1;
          classify(status, body, target.expected.get(String(context.callerId)), bad);
        },
      },
    ],
  });
  bad.failed += r.errors + r.timeouts;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, answers, bad };
}
