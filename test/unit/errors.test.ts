import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLFormattedError } from 'graphql';
import { formatError, gatewayError } from '../../gateway/src/errors';
import { renderErrorTable } from '../../scripts/error-table';

describe('error table', () => {
  it('when docs/errors.md is read, then it contains the table generated from errors.ts', () => {
    const doc = readFileSync(path.join(__dirname, '../../docs/errors.md'), 'utf8');
    expect(doc).toContain(renderErrorTable());
  });

  it('when a whole-operation error is raised, then status and headers travel in extensions.http', () => {
    const err = gatewayError('PAYLOAD_TOO_LARGE', { maxBodyBytes: 10 }, { 'X-Limit': '10' });
    expect(err.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBodyBytes: 10, http: { status: 413 } });
  });

  it('when a partial-result error is raised, then it carries no HTTP status', () => {
    expect(gatewayError('SUBGRAPH_UNAVAILABLE', { serviceName: 'orders' }).extensions).toEqual({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'orders',
    });
  });
});

describe('formatError', () => {
  const masked: unknown[] = [];
  const format = formatError({ exposeDetails: false, onMasked: (_f, original) => masked.push(original) });

  it('when the code is unknown, then the client sees INTERNAL_SERVER_ERROR and the log sees the original', () => {
    const original = new Error('connect ECONNREFUSED 10.0.0.7:5432');
    const out = format({ message: original.message, extensions: { code: 'SOMETHING_ODD', stacktrace: ['at x'] } }, original);
    expect(out).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(masked).toContain(original);
  });

  it('when a known code carries internal extensions, then they are removed', () => {
    const input: GraphQLFormattedError = {
      message: '500: Internal Server Error',
      path: ['user', 'orders'],
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'orders', response: { url: 'http://10.0.0.7/graphql' }, stacktrace: [] },
    };
    expect(format(input, undefined)).toEqual({
      // The subgraph's own message is replaced too: it may name hosts, files or SQL.
      message: 'A service failed to answer part of this response',
      path: ['user', 'orders'],
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'orders' },
    });
  });

  it('when a known code other than DOWNSTREAM_SERVICE_ERROR is formatted, then its message is kept', () => {
    const input: GraphQLFormattedError = { message: 'first must be positive', extensions: { code: 'BAD_USER_INPUT', serviceName: 'orders' } };
    expect(format(input, undefined)).toEqual(input);
  });

  it('when details are exposed (development only), then the error passes unchanged', () => {
    const expose = formatError({ exposeDetails: true, onMasked: () => undefined });
    const input = { message: 'boom', extensions: { code: 'WHATEVER' } };
    expect(expose(input, undefined)).toBe(input);
  });
});
