import { errorListProblems, problemsOf, resultProblems } from './invariants';
import type { WsObservation, WsSessionProbe } from './ws-probe';
import { acceptFor } from './ws-wire';

/**
 * The close codes a session may end with (docs/subscriptions.md, "WebSocket close codes"): the
 * protocol's answers to a client's mistakes, `ws`'s answers to broken frames, and the ordinary ends.
 * Never 4500 (graphql-ws's InternalServerError) or 1011: those mean the gateway failed.
 */
export const DOCUMENTED_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1002, 1005, 1007, 1009, 4400, 4401, 4406, 4408, 4409, 4429]);

const SERVER_MESSAGE_TYPES = new Set(['connection_ack', 'next', 'error', 'complete', 'ping', 'pong']);

/**
 * What every session must show, whatever the client sent (issue #12): an answer to every upgrade
 * request (no stall), JSON in the table's terms for every refused handshake, a 101 exactly for the
 * proper ones, then only well-formed server messages whose results and errors carry codes of the
 * table (never INTERNAL_SERVER_ERROR), for ids the client used, and a close code from the documented
 * list. Returns the problems found; empty means the session is fine.
 */
export function wsProblemsOf(probe: WsSessionProbe, seen: WsObservation): string[] {
  const problems = [...seen.stalls];
  const { answer } = seen;
  if (!answer) return problems;
  const { handshake } = probe;
  if (answer.status !== 101) {
    if (handshake.expect === 'accept') problems.push(`a proper handshake was refused with ${answer.status}`);
    // The same checks as any HTTP answer: below 500, JSON, codes of the table.
    problems.push(...problemsOf({ kind: 'raw', method: handshake.method, path: handshake.path, bytes: '', complete: true }, { status: answer.status, contentType: answer.contentType, body: answer.body }));
    return problems;
  }
  if (handshake.expect === 'refuse') problems.push('an improper handshake was accepted (101)');
  const key = /^sec-websocket-key:\s*(.*)$/i.exec(handshake.headers.find((h) => /^sec-websocket-key:/i.test(h)) ?? '')?.[1];
  if (key !== undefined && answer.headers.get('sec-websocket-accept') !== acceptFor(key.trim())) problems.push('101 with a wrong Sec-WebSocket-Accept');
  const chosen = answer.headers.get('sec-websocket-protocol');
  if (handshake.offersProtocol && chosen !== 'graphql-transport-ws') problems.push(`101 without choosing graphql-transport-ws (chose ${JSON.stringify(chosen)})`);
  if (!handshake.offersProtocol && chosen !== undefined) problems.push(`101 choosing ${JSON.stringify(chosen)}, which the client did not offer`);

  const ids = new Set(probe.steps.flatMap((s) => (s.kind === 'send' && s.subscribeId !== undefined ? [s.subscribeId] : [])));
  const sentInit = probe.steps.some((s) => s.kind === 'send' && s.init === true);
  let acks = 0;
  for (const message of seen.messages) {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      problems.push(`a message that is not a JSON object: ${JSON.stringify(message)?.slice(0, 200)}`);
      continue;
    }
    const { type, id, payload } = message as { type?: unknown; id?: unknown; payload?: unknown };
    if (typeof type !== 'string' || !SERVER_MESSAGE_TYPES.has(type)) {
      problems.push(`a message of type ${JSON.stringify(type)}: ${JSON.stringify(message).slice(0, 200)}`);
      continue;
    }
    if (type === 'connection_ack') {
      acks += 1;
      if (!sentInit) problems.push('connection_ack without a connection_init');
    }
    if (type === 'next' || type === 'error' || type === 'complete') {
      if (typeof id !== 'string' || !ids.has(id)) problems.push(`${type} for an id the client never subscribed with: ${JSON.stringify(id)?.slice(0, 100)}`);
    }
    if (type === 'next') problems.push(...resultProblems(payload).map((p) => `next: ${p}`));
    if (type === 'error') problems.push(...errorListProblems(payload).map((p) => `error: ${p}`));
  }
  if (acks > 1) problems.push(`${acks} connection_ack messages`);
  if (seen.serverClose) {
    const { code, reason } = seen.serverClose;
    if (!DOCUMENTED_CLOSE_CODES.has(code)) problems.push(`closed with ${code} (${reason})`);
    if (!handshake.offersProtocol && code !== 4406) problems.push(`closed with ${code} instead of 4406 though no graphql-transport-ws was offered`);
  } else if (seen.droppedWithoutClose) {
    problems.push('the server dropped the connection without a close frame');
  } else if (!handshake.offersProtocol) {
    problems.push('a socket without graphql-transport-ws stayed open (4406 expected)');
  }
  return problems;
}
