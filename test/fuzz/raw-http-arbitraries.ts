import fc from 'fast-check';
import { payload } from './http-arbitraries';
import type { RawHttpProbe } from './probe';

/**
 * HTTP/1.1 as bytes: odd request lines (absolute-form, `*`, unparsable URLs, unknown versions),
 * header syntax errors and conflicting framing (two Content-Lengths, broken chunks). Node's parser
 * refuses many of these before the gateway sees them; the rest reach our handler with values no
 * HTTP client library would produce.
 */

const METHODS = ['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'get', 'PRI', 'CONNECT', 'TRACE', 'X'.repeat(60), 'GE T'];
const TARGETS = [
  '/graphql',
  '/graphql?query=%7B__typename%7D',
  'http://[',
  'http://gateway.example/graphql?query=%7B__typename%7D',
  'https://user:pw@gateway.example:443/graphql',
  'http://gateway.example:99999/graphql',
  '*',
  '//graphql',
  '/graphql?%',
  '/graphql#fragment',
  'graphql',
  '/graphql?query=%E0%A4%A',
  '/%00',
  '/graphql?\u00ff=\u00fe',
  '/../../graphql',
  `/graphql?query=${'%7B'.repeat(500)}`,
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'http/1.1', ''];
const ODD_HEADER_LINES = [
  'x-odd: \u00ff\u00fe',
  'no-colon-here',
  ' leading-space: x',
  'content-length: -1',
  'content-length: 1e3',
  'content-length: 0, 5',
  'transfer-encoding: gzip, chunked',
  'transfer-encoding: identity',
  'expect: 100-continue',
  'host: a\r\nhost: b',
  'x-request-id: \u00e9t\u00e9',
  'authorization: Bearer \u00ff',
  'content-type: application/json; charset=\u00ff',
  'upgrade: websocket\r\nconnection: upgrade',
];

type Framing = 'length' | 'chunked' | 'broken-chunks' | 'short-body' | 'two-lengths' | 'none';

export const rawHttpProbe: fc.Arbitrary<RawHttpProbe> = fc
  .record({
    method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    target: fc.constantFrom(...TARGETS),
    version: fc.oneof({ weight: 6, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom(...VERSIONS) }),
    host: fc.boolean(),
    json: fc.boolean(),
    extra: fc.subarray(ODD_HEADER_LINES, { maxLength: 3 }),
    framing: fc.constantFrom<Framing>('length', 'length', 'chunked', 'broken-chunks', 'short-body', 'two-lengths', 'none'),
    body: payload.map((p) => JSON.stringify(p)),
  })
  .map(({ method, target, version, host, json, extra, framing, body }) => {
    const lines = [`${method} ${target} ${version}`.trimEnd(), ...(host ? ['host: 127.0.0.1'] : []), 'connection: close'];
    if (json) lines.push('content-type: application/json');
    if (method === 'GET') lines.push('apollo-require-preflight: true');
    lines.push(...extra);
    const bodyBytes = Buffer.byteLength(body, 'latin1');
    let tail = '';
    switch (framing) {
      case 'length':
        lines.push(`content-length: ${bodyBytes}`);
        tail = body;
        break;
      case 'chunked':
        lines.push('transfer-encoding: chunked');
        tail = `${bodyBytes.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
        break;
      case 'broken-chunks':
        lines.push('transfer-encoding: chunked');
        tail = `zz\r\n${body}\r\n0\r\n\r\n`;
        break;
      case 'short-body':
        lines.push(`content-length: ${bodyBytes + 10}`);
        tail = body;
        break;
      case 'two-lengths':
        lines.push(`content-length: ${bodyBytes}`, `content-length: ${bodyBytes + 1}`);
        tail = body;
        break;
      case 'none':
        break;
    }
    return {
      kind: 'raw' as const,
      method,
      path: target,
      bytes: `${lines.join('\r\n')}\r\n\r\n${tail}`,
      // The server rightly waits for bytes that never come: ten more body bytes, or the chunks
      // an extra `transfer-encoding: …, chunked` announces for a request that sends none.
      // An Upgrade request with malformed chunks is complete too: it once waited for node's 300 s
      // request timeout; the listener now answers every upgrade request (edge/socket-answers.ts).
      complete: framing !== 'short-body' && !(framing === 'none' && extra.some((line) => /^transfer-encoding:.*chunked/.test(line))),
    };
  });
