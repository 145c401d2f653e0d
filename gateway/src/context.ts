import type { Logger } from './logger';

/** Per-request state: built once per HTTP request by the HTTP layer, read by plugins and the data source. */
export interface GatewayContext {
  /** The inbound `x-request-id` when valid, else a new UUID; forwarded to subgraphs and echoed. */
  requestId: string;
  /** Child logger with `requestId` bound. */
  log: Logger;
  /** `performance.now()` when the request arrived, for duration logging. */
  startedAtMs: number;
}

export interface BuildContextInput {
  requestId: string;
  log: Logger;
  startedAtMs: number;
}

export function buildContext(input: BuildContextInput): GatewayContext {
  return { requestId: input.requestId, log: input.log.child({ requestId: input.requestId }), startedAtMs: input.startedAtMs };
}
