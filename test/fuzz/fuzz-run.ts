import fc from 'fast-check';
import { Agent, type Dispatcher } from 'undici';
import { problemsOf } from './invariants';
import { describeProbe, type Observation, type Probe } from './probe';
import { sendHttpProbe } from './send-http';
import { sendRawProbe } from './send-raw';
import { streamedResults } from './streamed-answers';

export interface FuzzOptions {
  /** Where the gateway listens, e.g. http://127.0.0.1:4000 */
  origin: string;
  probes: fc.Arbitrary<Probe>;
  /** Most probes sent (shrinking a failure sends more). */
  numRuns: number;
  /** Stop generating after this long, in ms, whatever numRuns says. */
  timeLimitMs: number;
  /** Replays a run; random by default (printed in the report). */
  seed?: number;
  /** Told when the gateway process is gone, so a crash is reported as such. */
  exited?: () => string | undefined;
}

export interface FuzzReport {
  seed: number;
  /** Probes that ran to completion. */
  runs: number;
  interrupted: boolean;
  /** How often each status was answered. */
  statuses: Record<string, number>;
  /** How often each media type was answered (streams: text/event-stream, multipart/mixed). */
  mediaTypes: Record<string, number>;
  /** How often each error code was seen. */
  codes: Record<string, number>;
  /** fast-check's report of the smallest failing probe, when one failed. */
  failure: string | undefined;
}

/** Sends one probe (WebSocket sessions have their own runner: ws-fuzz-run.ts). */
async function send(origin: string, probe: Probe, dispatcher: Dispatcher): Promise<Observation | undefined> {
  switch (probe.kind) {
    case 'http':
      return sendHttpProbe(origin, probe, dispatcher);
    case 'raw':
      return sendRawProbe(origin, probe);
  }
}

/**
 * Sends generated probes one at a time and checks every answer (invariants.ts). Bounded by count
 * and time; on a failure fast-check shrinks it to a small request and reports it with the seed.
 */
export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  // Its own connection pool, closed at the end: nothing is left open after the run.
  const dispatcher = new Agent({ connections: 4 });
  try {
    return await run(opts, dispatcher);
  } finally {
    await dispatcher.destroy();
  }
}

async function run(opts: FuzzOptions, dispatcher: Dispatcher): Promise<FuzzReport> {
  const statuses: Record<string, number> = {};
  const mediaTypes: Record<string, number> = {};
  const codes: Record<string, number> = {};
  const property = fc.asyncProperty(opts.probes, async (probe) => {
    let seen: Observation | undefined;
    try {
      seen = await send(opts.origin, probe, dispatcher);
    } catch (err) {
      const gone = opts.exited?.();
      // The gateway answers an oversized request (413/431) and closes while the client is still
      // sending: the client may see EPIPE/ECONNRESET instead of reading the answer. That is fine
      // as long as the gateway is still there.
      if (!gone && isOversized(probe)) return;
      throw new Error(`${gone ? `gateway process exited (${gone})` : `transport error: ${(err as Error).message}`}\nprobe: ${describeProbe(probe)}`);
    }
    if (seen === undefined) {
      if (probe.kind === 'raw' && !probe.complete) return;
      throw new Error(`no answer\nprobe: ${describeProbe(probe)}`);
    }
    statuses[seen.status] = (statuses[seen.status] ?? 0) + 1;
    const mediaType = seen.contentType.split(';')[0]?.trim() || '(none)';
    mediaTypes[mediaType] = (mediaTypes[mediaType] ?? 0) + 1;
    for (const code of codesIn(seen)) codes[code] = (codes[code] ?? 0) + 1;
    const problems = problemsOf(probe, seen);
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\nprobe: ${describeProbe(probe)}\nanswer: ${seen.status} ${seen.body.slice(0, 500)}`);
  });
  const details = await fc.check(property, {
    numRuns: opts.numRuns,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    plugins: [fc.interruptAfterTimeLimit(opts.timeLimitMs)],
  });
  return {
    seed: details.seed,
    runs: details.numRuns,
    interrupted: details.interrupted,
    statuses,
    mediaTypes,
    codes,
    failure: details.failed ? failureReport(details) : undefined,
  };
}

/** Node's header limit (path included) and the gateway's default MAX_BODY_BYTES. */
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

function isOversized(probe: Probe): boolean {
  if (probe.kind === 'raw') return false;
  const headerBytes = probe.path.length + Object.entries(probe.headers).reduce((sum, [k, v]) => sum + k.length + v.length + 4, 0);
  return headerBytes > MAX_HEADER_BYTES || Buffer.byteLength(probe.body ?? '') > MAX_BODY_BYTES;
}

/** The problem first (fast-check's own message would print megabytes of counterexample before it), then how to replay it. */
export function failureReport(details: fc.RunDetails<unknown>): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return `${error}\nreplay with seed ${details.seed}, path "${details.counterexamplePath ?? ''}" (shrunk ${details.numShrinks} times)`;
}

function codesIn(seen: Observation): string[] {
  const streamed = streamedResults(seen);
  try {
    const parsed = streamed ? streamed.results : (JSON.parse(seen.body) as unknown);
    const results = Array.isArray(parsed) ? parsed : [parsed];
    return results.flatMap((r: { errors?: Array<{ extensions?: { code?: unknown } }> } | null) =>
      (Array.isArray(r?.errors) ? r.errors : []).map((e) => String(e?.extensions?.code)),
    );
  } catch {
    return [];
  }
}
