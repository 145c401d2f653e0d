import fc from 'fast-check';
import { parseRequestTarget } from '../../gateway/src/http/request-target';
import type { WsHandshake } from './ws-probe';

/**
 * Upgrade requests for the WebSocket session fuzz: proper ones as graphql-ws clients send them, and
 * odd ones (methods, paths, HTTP/1.0, no Host, Upgrade and Connection values, keys, versions,
 * subprotocol lists, extra headers, bodies), each with what the gateway must answer.
 */

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

/** Any upgrade request; `validAuthorizations` are ready `Authorization` values of valid tokens. */
export function anyHandshake(validAuthorizations: readonly string[]): fc.Arbitrary<WsHandshake> {
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
      authorization: sometimes(fc.oneof(...(validAuthorizations.length > 0 ? [fc.constantFrom(...validAuthorizations)] : []), fc.constantFrom('Bearer x.y.z', 'Basic dXNlcjpwYXNz')), 3),
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
export function properHandshake(validAuthorizations: readonly string[]): fc.Arbitrary<WsHandshake> {
  return fc
    .record({
      path: fc.constantFrom('/graphql', '/graphql', '/graphql?x=1'),
      upgrade: fc.constantFrom('websocket', 'WebSocket'),
      connection: fc.constantFrom('Upgrade', 'keep-alive, Upgrade'),
      key: validKey,
      version: fc.constantFrom('13', '13', '8'),
      protocol: fc.constantFrom('graphql-transport-ws', 'graphql-transport-ws', 'foo, graphql-transport-ws'),
      authorization: validAuthorizations.length > 0 ? fc.option(fc.constantFrom(...validAuthorizations), { nil: undefined }) : fc.constant(undefined),
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
