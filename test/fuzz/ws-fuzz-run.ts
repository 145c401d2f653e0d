import fc from 'fast-check';
import { failureReport } from './fuzz-run';
import { runWsSession } from './send-ws';
import { describeSession, type WsObservation, type WsSessionProbe } from './ws-probe';
import { wsProblemsOf } from './ws-invariants';

export interface WsFuzzOptions {
  /** Where the gateway listens, e.g. http://127.0.0.1:4000 */
  origin: string;
  sessions: fc.Arbitrary<WsSessionProbe>;
  /** Most sessions played (shrinking a failure plays more). */
  numRuns: number;
  /** Stop generating after this long, in ms, whatever numRuns says. */
  timeLimitMs: number;
  /** Replays a run; random by default (printed in the report). */
  seed?: number;
  /** Told when the gateway process is gone, so a crash is reported as such. */
  exited?: () => string | undefined;
}

export interface WsFuzzReport {
  seed: number;
  /** Sessions that ran to completion. */
  runs: number;
  interrupted: boolean;
  /** How often each handshake status was answered. */
  handshakes: Record<string, number>;
  /** How often each close code ended a session (`open` when the client left first). */
  closes: Record<string, number>;
  /** How often each message type arrived from the server. */
  messages: Record<string, number>;
  /** How often each error code was seen (in `next` and `error` payloads and refused handshakes). */
  codes: Record<string, number>;
  failure: string | undefined;
}

/**
 * Plays generated WebSocket sessions one at a time and checks each (ws-invariants.ts). Bounded by
 * count and time; on a failure fast-check shrinks it to a short session and reports it with the seed.
 */
export async function fuzzWebSocket(opts: WsFuzzOptions): Promise<WsFuzzReport> {
  const report: Omit<WsFuzzReport, 'seed' | 'runs' | 'interrupted' | 'failure'> = { handshakes: {}, closes: {}, messages: {}, codes: {} };
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
  const property = fc.asyncProperty(opts.sessions, async (probe) => {
    let seen: WsObservation;
    try {
      seen = await runWsSession(opts.origin, probe);
    } catch (err) {
      const gone = opts.exited?.();
      throw new Error(`${gone ? `gateway process exited (${gone})` : `transport error: ${(err as Error).message}`}\nsession: ${describeSession(probe)}`);
    }
    if (seen.answer) count(report.handshakes, String(seen.answer.status));
    if (seen.answer?.status === 101) count(report.closes, seen.serverClose ? String(seen.serverClose.code) : seen.droppedWithoutClose ? 'dropped' : 'open');
    for (const message of seen.messages) {
      const { type, payload } = (message ?? {}) as { type?: unknown; payload?: unknown };
      count(report.messages, String(type));
      const errors = type === 'error' ? payload : type === 'next' ? (payload as { errors?: unknown } | undefined)?.errors : undefined;
      if (Array.isArray(errors)) for (const e of errors as Array<{ extensions?: { code?: unknown } } | null>) count(report.codes, String(e?.extensions?.code));
    }
    const gone = opts.exited?.();
    const problems = [...(gone ? [`gateway process exited (${gone})`] : []), ...wsProblemsOf(probe, seen)];
    if (problems.length > 0) {
      const got = { answer: seen.answer && { status: seen.answer.status, body: seen.answer.body.slice(0, 300) }, messages: JSON.stringify(seen.messages).slice(0, 800), close: seen.serverClose };
      throw new Error(`${problems.join('; ')}\nsession: ${describeSession(probe)}\nseen: ${JSON.stringify(got)}`);
    }
  });
  const details = await fc.check(property, {
    numRuns: opts.numRuns,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    plugins: [fc.interruptAfterTimeLimit(opts.timeLimitMs)],
  });
  return { seed: details.seed, runs: details.numRuns, interrupted: details.interrupted, ...report, failure: details.failed ? failureReport(details) : undefined };
}
