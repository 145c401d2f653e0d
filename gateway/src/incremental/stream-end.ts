import type { GatewayContext } from '../context';

/** How an incremental (@defer) response ended, for the plugins that account for a request. */
export interface StreamOutcome {
  /** Milliseconds from the request's arrival to the initial payload. */
  firstPayloadMs: number;
  /** `extensions.code` of every error in every payload, the initial one included (one entry per error). */
  errorCodes: string[];
  /** DEFER_TIMEOUT_MS passed: parts still missing were sent as null with DEFER_TIMEOUT. */
  timedOut: boolean;
  /** The client stopped reading before the last payload. */
  clientGone: boolean;
  /** Everything sent, merged as the client merges it (actual cost is computed from it). */
  data: Record<string, unknown>;
}

type Listener = (outcome: StreamOutcome) => void;

const listeners = new WeakMap<GatewayContext, Listener[]>();

/**
 * Apollo Server calls `willSendResponse` when the initial payload is ready, long before a
 * streamed response ends: the request log, metrics and cost refund register here instead and
 * run once the stream is over (incremental/deferred-response.ts calls `streamEnded`).
 */
export function whenStreamEnds(context: GatewayContext, listener: Listener): void {
  const list = listeners.get(context);
  if (list) list.push(listener);
  else listeners.set(context, [listener]);
}

export function streamEnded(context: GatewayContext, outcome: StreamOutcome): void {
  const list = listeners.get(context) ?? [];
  listeners.delete(context);
  for (const listener of list) {
    try {
      listener(outcome);
    } catch (err) {
      context.log.error({ err }, 'stream-end listener failed');
    }
  }
}
