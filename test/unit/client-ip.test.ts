import type { IncomingMessage } from 'node:http';
import { clientIp } from '../../gateway/src/http/client-ip';

const req = (remoteAddress: string, xff?: string) =>
  ({ headers: xff ? { 'x-forwarded-for': xff } : {}, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('when no proxy is trusted, then X-Forwarded-For is ignored', () => {
    expect(clientIp(req('10.0.0.9', '1.2.3.4'), false)).toBe('10.0.0.9');
  });

  it('when the proxy is trusted, then the first X-Forwarded-For entry is the client', () => {
    expect(clientIp(req('10.0.0.9', '1.2.3.4, 10.0.0.1'), true)).toBe('1.2.3.4');
  });

  it('when the socket address is IPv4-mapped IPv6, then it is normalised', () => {
    expect(clientIp(req('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
  });
});
