import fc from 'fast-check';
import { DEFER_DOCUMENTS, documentText, operationNameValue, SUBSCRIPTION_DOCUMENTS, VALID_DOCUMENTS, VARIABLE_SHAPES } from './graphql-documents';
import { anyJson, oddString } from './json-values';
import { anyHandshake, properHandshake } from './ws-handshake-arbitraries';
import type { WsFrame, WsHandshake, WsSessionProbe, WsStep } from './ws-probe';
import { closePayload, OPCODE } from './ws-wire';

/**
 * Sessions of `graphql-transport-ws` (docs/subscriptions.md, PROTOCOLS.md): handshakes proper and
 * odd (ws-handshake-arbitraries.ts), then messages of every shape the protocol has and many it has
 * not (wrong JSON types for id/type/payload, duplicate ids, subscribe before init, complete for
 * unknown ids, messages only a server sends), documents of every kind (subscriptions with
 * @skip/@include on the root field, @defer, hostile ones), variables of every JSON type, frames a
 * client library never sends (unmasked, reserved opcodes and bits, invalid UTF-8, fragmented
 * control frames) and messages within a few bytes of WS_MAX_MESSAGE_BYTES.
 */

export interface WsArbitraryOptions {
  /** Ready `Authorization` values of valid tokens. */
  validAuthorizations: readonly string[];
  /** The gateway's WS_MAX_MESSAGE_BYTES. */
  maxMessageBytes: number;
}

const text = (value: unknown): WsFrame => ({ opcode: OPCODE.text, data: Buffer.from(JSON.stringify(value) ?? 'null', 'utf8').toString('latin1') });
const raw = (data: string, opcode: number = OPCODE.text): WsFrame => ({ opcode, data: Buffer.from(data, 'utf8').toString('latin1') });

/** A few ids reused on purpose (duplicates, complete of an id in use), and wrong ones. */
const idValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('1', '2', '3', 'a') },
  { weight: 2, arbitrary: fc.constantFrom<unknown>('', 0, 1, null, true, [], {}, '__proto__', 'constructor', 'hasOwnProperty') },
  // Longer than a close frame's reason may be: graphql-ws names the id in its 4409 reason.
  { weight: 1, arbitrary: fc.integer({ min: 120, max: 400 }).map((n) => 'i'.repeat(n)) },
  { weight: 1, arbitrary: oddString.filter((s) => s.length < 2_000) },
);

const documents = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SUBSCRIPTION_DOCUMENTS) },
  { weight: 3, arbitrary: fc.constantFrom(...VALID_DOCUMENTS) },
  { weight: 2, arbitrary: fc.constantFrom(...DEFER_DOCUMENTS) },
  { weight: 2, arbitrary: documentText },
);

const variables = fc.oneof(
  { weight: 4, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...VARIABLE_SHAPES) },
  { weight: 2, arbitrary: anyJson },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('id', 'n', 's', 'u', 'on', 'input'), anyJson, { maxKeys: 3 }) as fc.Arbitrary<unknown> },
);

/** A `subscribe` payload: usually the right shape, sometimes each field of the wrong JSON type. */
const subscribePayload: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        query: documents,
        variables,
        operationName: fc.oneof({ weight: 3, arbitrary: fc.constant<unknown>(undefined) }, { weight: 1, arbitrary: operationNameValue }, { weight: 1, arbitrary: anyJson }),
        extensions: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(undefined) }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.constant<unknown>({ persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } }) }),
      })
      .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))),
  },
  { weight: 1, arbitrary: fc.record({ query: anyJson, variables: anyJson }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyJson },
);

function initPayload(opts: WsArbitraryOptions): fc.Arbitrary<unknown> {
  const valid = opts.validAuthorizations.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...opts.validAuthorizations) }] : [];
  const authorization = fc.oneof(...valid, { weight: 1, arbitrary: fc.constantFrom<unknown>('Bearer x.y.z', 'Bearer ', 'Basic dXNlcjpwYXNz', '', 42, null, ['Bearer a'], { token: 'x' }) });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<unknown>(undefined) },
    { weight: 4, arbitrary: authorization.map((a) => ({ authorization: a }) as unknown) },
    { weight: 2, arbitrary: authorization.map((a) => ({ Authorization: a }) as unknown) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, {}, { headers: { authorization: 'Bearer x' } }) },
    // Not an object: graphql-ws closes with 4400.
    { weight: 1, arbitrary: anyJson },
  );
}

interface Message {
  note: string;
  frames: WsFrame[];
  subscribeId?: string;
  init?: boolean;
}

/** A message sent as one text frame (mostly), as a binary frame, or in fragments. */
function framed(note: string, value: unknown, extra: Partial<Message> = {}): fc.Arbitrary<Message> {
  const json = JSON.stringify(value) ?? 'null';
  return fc
    .oneof({ weight: 10, arbitrary: fc.constant<'text' | 'binary' | 'fragments'>('text') }, { weight: 1, arbitrary: fc.constant<'text' | 'binary' | 'fragments'>('binary') }, { weight: 1, arbitrary: fc.constant<'text' | 'binary' | 'fragments'>('fragments') })
    .chain((how) => {
      if (how === 'text') return fc.constant<Message>({ note, frames: [text(value)], ...extra });
      if (how === 'binary') return fc.constant<Message>({ note: `${note} (binary)`, frames: [raw(json, OPCODE.binary)], ...extra });
      return fc.nat({ max: json.length }).map((cut): Message => {
        const bytes = Buffer.from(json, 'utf8');
        const at = Math.min(cut, bytes.length);
        return {
          note: `${note} (fragmented)`,
          frames: [
            { opcode: OPCODE.text, data: bytes.subarray(0, at).toString('latin1'), fin: false },
            { opcode: OPCODE.continuation, data: bytes.subarray(at).toString('latin1') },
          ],
          ...extra,
        };
      });
    });
}

function protocolMessage(opts: WsArbitraryOptions): fc.Arbitrary<Message> {
  const subscribe = fc.tuple(idValue, subscribePayload).chain(([id, payload]) => framed('subscribe', { type: 'subscribe', id, payload }, typeof id === 'string' ? { subscribeId: id } : {}));
  return fc.oneof(
    { weight: 10, arbitrary: subscribe },
    { weight: 2, arbitrary: initPayload(opts).chain((payload) => framed('connection_init', payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload }, { init: true })) },
    { weight: 3, arbitrary: idValue.chain((id) => framed('complete', { type: 'complete', id })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('ping', 'pong'), fc.option(anyJson, { nil: undefined })).chain(([type, payload]) => framed(type, payload === undefined ? { type } : { type, payload })) },
    // Types only a server sends.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('connection_ack', 'next', 'error'), fc.option(idValue, { nil: undefined }), fc.constantFrom<unknown>(undefined, {}, { data: null }, [{ message: 'x' }], []))
        .chain(([type, id, payload]) => framed(`client sends ${type}`, { type, ...(id !== undefined ? { id } : {}), ...(payload !== undefined ? { payload } : {}) })),
    },
    // Wrong shapes: unknown or missing type, wrong JSON types, not an object.
    {
      weight: 2,
      arbitrary: fc.oneof(
        anyJson.map((type) => ({ type })),
        fc.constantFrom<unknown>({}, { type: 'unknown' }, { type: 'SUBSCRIBE', id: '1', payload: { query: '{ __typename }' } }, { type: 'subscribe' }, { type: 'subscribe', id: '9' }, { type: 'complete' }),
        anyJson,
      ).chain((value) => framed('malformed', value)),
    },
  );
}

/** A subscribe, its complete, and the same id again at once: graphql-ws keys operations by id only. */
const resubscribe: fc.Arbitrary<Message[]> = fc.tuple(fc.constantFrom('1', 'r'), fc.constantFrom(...SUBSCRIPTION_DOCUMENTS.slice(0, 3), '{ __typename }')).map(([id, query]): Message[] => [
  { note: 'subscribe', frames: [text({ type: 'subscribe', id, payload: { query } })], subscribeId: id },
  { note: 'complete', frames: [text({ type: 'complete', id })] },
  { note: 'subscribe again', frames: [text({ type: 'subscribe', id, payload: { query } })], subscribeId: id },
]);

/** A `subscribe` whose text is `delta` bytes away from WS_MAX_MESSAGE_BYTES (over it: close 1009). */
function nearLimit(maxMessageBytes: number): fc.Arbitrary<Message> {
  return fc.integer({ min: -40, max: 40 }).map((delta): Message => {
    const shell = JSON.stringify({ type: 'subscribe', id: 'big', payload: { query: '{ __typename } #' } });
    const pad = Math.max(0, maxMessageBytes + delta - shell.length);
    return { note: `subscribe of ${shell.length + pad} bytes (limit ${maxMessageBytes})`, frames: [text({ type: 'subscribe', id: 'big', payload: { query: `{ __typename } #${'x'.repeat(pad)}` } })], subscribeId: 'big' };
  });
}

/** Frames a client library would refuse to send. */
const garbage: fc.Arbitrary<Message> = fc.oneof(
  oddString.filter((s) => s.length < 5_000).map((s) => ({ note: 'text that is not JSON', frames: [raw(s)] })),
  fc.constantFrom<Message>(
    { note: 'empty text frame', frames: [raw('')] },
    { note: 'invalid UTF-8', frames: [{ opcode: OPCODE.text, data: '\xff\xfe{"type":"ping"}' }] },
    { note: 'binary garbage', frames: [{ opcode: OPCODE.binary, data: '\x00\x01\x02\xff' }] },
    { note: 'unmasked frame', frames: [{ ...text({ type: 'ping' }), mask: false }] },
    { note: 'reserved opcode', frames: [{ opcode: 0x3, data: 'x' }] },
    { note: 'RSV1 without an extension', frames: [{ ...text({ type: 'ping' }), rsv: 4 }] },
    { note: 'continuation without a start', frames: [{ opcode: OPCODE.continuation, data: '{}' }] },
    { note: 'fragmented ping', frames: [{ opcode: OPCODE.ping, data: 'x', fin: false }] },
    { note: 'ping over 125 bytes', frames: [{ opcode: OPCODE.ping, data: 'p'.repeat(126) }] },
    { note: 'a text frame interrupting a fragmented one', frames: [{ opcode: OPCODE.text, data: '{"ty', fin: false }, raw('{"type":"ping"}')] },
    { note: 'WebSocket ping', frames: [{ opcode: OPCODE.ping, data: 'hi' }] },
    { note: 'unsolicited pong', frames: [{ opcode: OPCODE.pong, data: '' }] },
    { note: 'close 1000', frames: [{ opcode: OPCODE.close, data: closePayload(1000, 'bye').toString('latin1') }] },
    { note: 'close with an invalid code', frames: [{ opcode: OPCODE.close, data: closePayload(999).toString('latin1') }] },
    { note: 'close with code 1005', frames: [{ opcode: OPCODE.close, data: closePayload(1005).toString('latin1') }] },
    { note: 'close of one byte', frames: [{ opcode: OPCODE.close, data: '\x03' }] },
    { note: 'close with an invalid UTF-8 reason', frames: [{ opcode: OPCODE.close, data: `${closePayload(4000).toString('latin1')}\xff` }] },
  ),
);

function steps(opts: WsArbitraryOptions): fc.Arbitrary<WsStep[]> {
  const sendOne = (m: Message): WsStep => ({ kind: 'send', ...m });
  const step: fc.Arbitrary<WsStep[]> = fc.oneof(
    { weight: 12, arbitrary: protocolMessage(opts).map((m) => [sendOne(m)]) },
    { weight: 2, arbitrary: garbage.map((m) => [sendOne(m)]) },
    { weight: 1, arbitrary: nearLimit(opts.maxMessageBytes).map((m) => [sendOne(m)]) },
    { weight: 1, arbitrary: resubscribe.map((ms) => ms.map(sendOne)) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }).map((ms): WsStep[] => [{ kind: 'pause', ms }]) },
  );
  const init = initPayload(opts).map((payload): WsStep => ({ kind: 'send', note: 'connection_init', init: true, frames: [text(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload })] }));
  const prelude = fc.oneof(
    { weight: 8, arbitrary: init.map((s): WsStep[] => [s, { kind: 'await-ack' }]) },
    { weight: 1, arbitrary: init.map((s): WsStep[] => [s]) },
    { weight: 1, arbitrary: fc.constant<WsStep[]>([]) },
    // Past WS_CONNECTION_INIT_TIMEOUT_MS (the fuzz stack sets it low): close 4408.
    { weight: 1, arbitrary: fc.constant<WsStep[]>([{ kind: 'pause', ms: 1_200 }]) },
  );
  return fc.tuple(prelude, fc.array(step, { maxLength: 6 })).map(([first, rest]) => [...first, ...rest.flat()]);
}

/**
 * What a real client sends after a proper handshake: connection_init (with a token or none), then
 * operations of every kind with right-looking payloads, completes of its own ids, pings and
 * pauses. Most sessions are like this, so most operations reach the pipeline instead of the
 * session ending at its first malformed message.
 */
function politeSteps(opts: WsArbitraryOptions): fc.Arbitrary<WsStep[]> {
  const ids = fc.constantFrom('1', '2', '3', '4', '5', '6');
  const usual = fc.record({
    query: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SUBSCRIPTION_DOCUMENTS) }, { weight: 3, arbitrary: fc.constantFrom(...VALID_DOCUMENTS) }, { weight: 2, arbitrary: fc.constantFrom(...DEFER_DOCUMENTS) }, { weight: 1, arbitrary: documentText }),
    variables: fc.option(fc.constantFrom(...VARIABLE_SHAPES), { nil: undefined }),
  });
  const step: fc.Arbitrary<WsStep[]> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(ids, usual).map(([id, { query, variables }]): WsStep[] => [
        { kind: 'send', note: 'subscribe', subscribeId: id, frames: [text({ type: 'subscribe', id, payload: { query, ...(variables ? { variables } : {}) } })] },
      ]),
    },
    { weight: 2, arbitrary: ids.map((id): WsStep[] => [{ kind: 'send', note: 'complete', frames: [text({ type: 'complete', id })] }]) },
    { weight: 1, arbitrary: fc.constant<WsStep[]>([{ kind: 'send', note: 'ping', frames: [text({ type: 'ping' })] }]) },
    { weight: 1, arbitrary: resubscribe.map((ms) => ms.map((m): WsStep => ({ kind: 'send', ...m }))) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 150 }).map((ms): WsStep[] => [{ kind: 'pause', ms }]) },
  );
  const token = opts.validAuthorizations.length > 0 ? fc.option(fc.constantFrom(...opts.validAuthorizations), { nil: undefined }) : fc.constant(undefined);
  const init = token.map((authorization): WsStep[] => [
    { kind: 'send', note: 'connection_init', init: true, frames: [text(authorization ? { type: 'connection_init', payload: { authorization } } : { type: 'connection_init' })] },
    { kind: 'await-ack' },
  ]);
  return fc.tuple(init, fc.array(step, { minLength: 1, maxLength: 6 })).map(([first, rest]) => [...first, ...rest.flat()]);
}

/**
 * Whole sessions: a handshake, then (once upgraded) a few steps, then a close handshake or a
 * dropped connection. Half are polite (proper handshake, right-looking messages), so operations
 * get through to the pipeline; a third send anything after a proper handshake; the rest fuzz the
 * handshake too.
 */
export function wsSession(opts: WsArbitraryOptions): fc.Arbitrary<WsSessionProbe> {
  const end = fc.constantFrom<'close' | 'drop'>('close', 'close', 'drop');
  const session = (hs: fc.Arbitrary<WsHandshake>, st: fc.Arbitrary<WsStep[]>) =>
    fc.record({ handshake: hs, steps: st, end }).map(({ handshake, steps, end }): WsSessionProbe => ({ kind: 'ws', handshake, steps, end }));
  return fc.oneof(
    { weight: 3, arbitrary: session(properHandshake(opts.validAuthorizations), politeSteps(opts)) },
    { weight: 2, arbitrary: session(properHandshake(opts.validAuthorizations), steps(opts)) },
    { weight: 1, arbitrary: session(anyHandshake(opts.validAuthorizations), steps(opts)) },
  );
}
