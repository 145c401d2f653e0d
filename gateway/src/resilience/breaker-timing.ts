/**
 * Pure timing rules of the subgraph circuit breakers (breakers.ts applies them to opossum).
 *
 * Opening: a refused or reset connection fails in a millisecond and says the subgraph is not
 * there, so a few in a row open the circuit at once. The failure rate over a 10 s window, the
 * only rule before, took 2.7–5.1 s to open at 100 req/s (issue #12): the window was still full of
 * the successes from before the outage.
 *
 * Probing: the first half-open probe comes `firstProbeMs` after opening; later ones wait half as
 * long as the circuit has been open so far, at most `maxMs`. An outage therefore costs at most
 * about half its length on top (and never more than `maxMs`): a 6 s outage is probed at 1, 2, 3,
 * 4.5 and 6.75 s, where the fixed 10 s reset time cost up to 10 s more.
 */

/** Transport errors where the subgraph never answered: nothing is listening, or it dropped the connection. */
const CONNECTION_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_FAILURE_CODES.has(code);
}

/** How long an open circuit waits before its next probe, given how long it has been open (this outage). */
export function nextProbeDelayMs(openForMs: number, firstProbeMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(firstProbeMs, Math.round(openForMs / 2)));
}
