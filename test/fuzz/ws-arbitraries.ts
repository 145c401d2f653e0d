import fc from 'fast-check';
import { parseRequestTarget } from '../../gateway/src/http/request-target';
import { DEFER_DOCUMENTS, documentText, operationNameValue, SUBSCRIPTION_DOCUMENTS, VALID_DOCUMENTS, VARIABLE_SHAPES } from './graphql-documents';
import { anyJson, oddString } from './json-values';
import type { WsFrame, WsHandshake, WsSessionProbe, WsStep } from './ws-probe';
import { closePayload, OPCODE } from './ws-wire';

/**
 * Sessions of `graphql-transport-ws` (docs/subscriptions.md, PROTOCOLS.md): handshakes proper and
 * odd (subprotocols, paths, Upgrade/Connection headers, keys, versions, bodies), then messages of
 * every shape the protocol has and many it has not (wrong JSON types for id/type/payload,
 * duplicate ids, subscribe before init, complete for unknown ids, messages only a server sends),
 * documents of every kind (subscriptions with @skip/@include on the root field, @defer, hostile
 * ones), variables of every JSON type, frames a client library never sends (unmasked, reserved
 * opcodes and bits, invalid UTF-8, fragmented control frames) and messages within a few bytes of
 * WS_MAX_MESSAGE_BYTES.
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

const validKey = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64'));

/** Subprotocol headers with what `ws` makes of them (its parser refuses empty and duplicate elements and stray spaces). */
const PROTOCOLS: ReadonlyArray<{ header: string | undefined; valid: boolean; offers: boolean }> = [
  { header: 'graphql-transport-ws', valid: true, offers: true },
  { header: 'graphql-transport-ws', valid: true, offers: true },
  { header: 'graphql-transport-ws', valid: true, offers: true },
  { header: undefined, valid: true, offers: false },
  { header: 'graphql-ws', valid: true, offers: false },
  { header: 'foo', valid: true, offers: false },
  { header: 'foo, graphql-transport-ws', valid: true, offers: true },
  { header: 'graphql-transport-ws,graphql-ws', valid: true, offers: true },
  { header: ',,', valid: false, offers: false },
  { header: 'a b', valid: false, offers: false },
  { header: 'graphql-transport-ws,', valid: false, offers: true },
  { header: 'graphql-transport-ws, graphql-transport-ws', valid: false, offers: true },
];

const sometimes = <T>(arbitrary: fc.Arbitrary<T>, rarity = 8): fc.Arbitrary<T | undefined> => fc.oneof({ weight: rarity, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

function handshake(opts: WsArbitraryOptions): fc.Arbitrary<WsHandshake> {
  return fc
    .record({
      method: fc.oneof({ weight: 14, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'OPTIONS', 'get', 'DELETE') }),
      path: fc.oneof({ weight: 14, arbitrary: fc.constant('/graphql') }, { weight: 2, arbitrary: fc.constantFrom('/graphql?x=1', '/graphql/', '/', '/health', '/other', '//graphql', '/GRAPHQL', 'http://[', '*', '/graphql#frag', '/%00') }),
      httpVersion: fc.oneof({ weight: 14, arbitrary: fc.constant<'1.1' | '1.0'>('1.1') }, { weight: 1, arbitrary: fc.constant<'1.1' | '1.0'>('1.0') }),
      host: fc.oneof({ weight: 14, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      upgrade: fc.oneof({ weight: 14, arbitrary: fc.constant<string | undefined>('websocket') }, { weight: 3, arbitrary: fc.constantFrom<string | undefined>('WebSocket', 'h2c', 'websocket, h2c', 'foo/1', '', undefined) }),
      connection: fc.oneof({ weight: 14, arbitrary: fc.constant<string | undefined>('Upgrade') }, { weight: 3, arbitrary: fc.constantFrom<string | undefined>('keep-alive, Upgrade', 'upgrade', 'keep-alive', 'close', undefined) }),
      key: fc.oneof({ weight: 14, arbitrary: validKey.map((k): string | undefined => k) }, { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, '', 'short', 'x'.repeat(24), Buffer.alloc(15).toString('base64')) }),
      version: fc.oneof({ weight: 14, arbitrary: fc.constant<string | undefined>('13') }, { weight: 2, arbitrary: fc.constantFrom<string | undefined>('8', '12', 'x', '', undefined) }),
      protocol: fc.constantFrom(...PROTOCOLS),
      authorization: sometimes(fc.oneof(...(opts.validAuthorizations.length > 0 ? [fc.constantFrom(...opts.validAuthorizations)] : []), fc.constantFrom('Bearer x.y.z', 'Basic dXNlcjpwYXNz')), 3),
      extra: fc.subarray(
        [
          'origin: https://evil.example',
          'accept: multipart/mixed;deferSpec=20220824',
          'accept: text/event-stream',
          'sec-websocket-extensions: permessage-deflate; client_max_window_bits',
          'sec-websocket-extensions: ;;;',
          'x-forwarded-for: garbage',
          'apollographql-client-name: fuzz',
          'cookie: session=1',
          'expect: 100-continue',
        ],
        { maxLength: 2 },
      ),
      body: fc.oneof(
        { weight: 14, arbitrary: fc.constant<{ headers: string[]; bytes: string }>({ headers: [], bytes: '' }) },
        { weight: 1, arbitrary: fc.constantFrom({ headers: ['content-length: 5'], bytes: 'hello' }, { headers: ['transfer-encoding: chunked'], bytes: 'zz\r\n{}\r\n0\r\n\r\n' }) },
      ),
    })
    .map((h) => {
      const headers = [
        ...(h.host ? ['host: 127.0.0.1'] : []),
        ...(h.upgrade !== undefined ? [`upgrade: ${h.upgrade}`] : []),
        ...(h.connection !== undefined ? [`connection: ${h.connection}`] : []),
        ...(h.key !== undefined ? [`sec-websocket-key: ${h.key}`] : []),
        ...(h.version !== undefined ? [`sec-websocket-version: ${h.version}`] : []),
        ...(h.protocol.header !== undefined ? [`sec-websocket-protocol: ${h.protocol.header}`] : []),
        ...(h.authorization !== undefined ? [`authorization: ${h.authorization}`] : []),
        ...h.extra,
        ...h.body.headers,
      ];
      return { method: h.method, path: h.path, httpVersion: h.httpVersion, headers, body: h.body.bytes, expect: expectation(h), offersProtocol: h.protocol.offers };
    });
}

/** What the gateway must answer this handshake with (WsHandshake.expect). */
function expectation(h: {
  method: string;
  path: string;
  httpVersion: string;
  host: boolean;
  upgrade: string | undefined;
  connection: string | undefined;
  key: string | undefined;
  version: string | undefined;
  protocol: { valid: boolean };
  body: { bytes: string };
}): WsHandshake['expect'] {
  // Node hands a request to the 'upgrade' listener only with both headers; otherwise it is a plain request, never a 101.
  const nodeUpgrade = h.upgrade !== undefined && (h.connection ?? '').split(',').some((t) => t.trim().toLowerCase() === 'upgrade');
  if (!nodeUpgrade) return 'refuse';
  if (h.httpVersion !== '1.1' || h.body.bytes !== '' || !h.host) return 'either';
  const proper =
    h.method === 'GET' &&
    parseRequestTarget(h.path)?.pathname === '/graphql' &&
    h.upgrade?.toLowerCase() === 'websocket' &&
    h.key !== undefined &&
    /^[+/0-9A-Za-z]{22}==$/.test(h.key) &&
    (h.version === '13' || h.version === '8') &&
    h.protocol.valid;
  return proper ? 'accept' : 'refuse';
}

/** A handshake as graphql-ws clients send it (subprotocol offered, valid key and version), with or without a token and a few extra headers. */
function properHandshake(opts: WsArbitraryOptions): fc.Arbitrary<WsHandshake> {
  return fc
    .record({
      path: fc.constantFrom('/graphql', '/graphql', '/graphql?x=1'),
      upgrade: fc.constantFrom('websocket', 'WebSocket'),
      connection: fc.constantFrom('Upgrade', 'keep-alive, Upgrade'),
      key: validKey,
      version: fc.constantFrom('13', '13', '8'),
      protocol: fc.constantFrom('graphql-transport-ws', 'graphql-transport-ws', 'foo, graphql-transport-ws'),
      authorization: opts.validAuthorizations.length > 0 ? fc.option(fc.constantFrom(...opts.validAuthorizations), { nil: undefined }) : fc.constant(undefined),
      extra: fc.subarray(['origin: http://localhost:3000', 'accept: multipart/mixed;deferSpec=20220824', 'apollographql-client-name: fuzz', 'x-forwarded-for: 203.0.113.9'], { maxLength: 2 }),
    })
    .map((h) => ({
      method: 'GET',
      path: h.path,
      httpVersion: '1.1' as const,
      headers: [
        'host: 127.0.0.1',
        `upgrade: ${h.upgrade}`,
        `connection: ${h.connection}`,
        `sec-websocket-key: ${h.key}`,
        `sec-websocket-version: ${h.version}`,
        `sec-websocket-protocol: ${h.protocol}`,
        ...(h.authorization ? [`authorization: ${h.authorization}`] : []),
        ...h.extra,
      ],
      body: '',
      expect: 'accept' as const,
      offersProtocol: true,
    }));
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
    { weight: 3, arbitrary: session(properHandshake(opts), politeSteps(opts)) },
    { weight: 2, arbitrary: session(properHandshake(opts), steps(opts)) },
    { weight: 1, arbitrary: session(handshake(opts), steps(opts)) },
  );
}
