import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import pino from 'pino';
import { startStack, testRedisUrl, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { bearer, defaultClaims, makeKey, signHs256, signWithKey, unsignedToken } from '../helpers/tokens';
import { seedUser } from '../../subgraphs/shared/seed';

const ME = '{ me { id } }';

/** Authentication with the embedded default (HS256 shared secret) against real subgraphs and Redis. */
describe('bearer tokens (HS256)', () => {
  let stack: Stack;
  let second: Stack;
  const keyPrefix = uniqueKeyPrefix();
  beforeAll(async () => {
    // Two gateway instances sharing one Redis prefix, as a fleet would.
    [stack, second] = await Promise.all([
      startStack({ subgraphs: ['users', 'orders'], redis: { keyPrefix } }),
      startStack({ subgraphs: ['users'], redis: { keyPrefix } }),
    ]);
  });
  afterAll(() => Promise.all([stack?.stop(), second?.stop()]));

  const withToken = (token: string) => stack.query(ME, {}, { authorization: `Bearer ${token}` });

  it('when a valid HS256 token is sent, then the caller is its subject', async () => {
    const res = await stack.query(ME, {}, await bearer('7'));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: { id: '7' } });
  });

  it('when no token is sent, then the request is anonymous and public fields work', async () => {
    const res = await stack.query('{ me { id } user(id: "1") { name } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: null, user: { name: seedUser('1').name } });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const bad: Array<[string, () => Promise<string> | string]> = [
    ['alg is none', () => unsignedToken()],
    ['it is signed with another secret', () => signHs256({}, 'not-the-gateway-secret-but-long-enough-0123')],
    ['it expired', () => signHs256({ exp: now() - 120 })],
    ['its nbf is in the future', () => signHs256({ nbf: now() + 600 })],
    ['its issuer is wrong', () => signHs256({ iss: 'someone-else' })],
    ['its audience is wrong', () => signHs256({ aud: 'another-api' })],
    ['it has no exp', () => new SignJWT({ ...defaultClaims(), exp: undefined }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('frontdoor-development-jwt-secret-not-for-production'))],
    ['it is larger than AUTH_MAX_TOKEN_BYTES', () => signHs256({ padding: 'x'.repeat(9000) })],
    ['it is RS256 while only HS256 is allowed', async () => signWithKey(await makeKey('RS256'))],
    ['it is not a JWT at all', () => 'not.a.jwt'],
  ];

  it.each(bad)('when %s, then 401 UNAUTHENTICATED with the one fixed message', async (_case, make) => {
    const res = await withToken(await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toEqual({ errors: [{ message: 'Unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('when the Authorization header is not a bearer token, then 401', async () => {
    const res = await stack.query(ME, {}, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(res.status).toBe(401);
  });

  it('when a token is revoked through /auth/logout on one instance, then every instance refuses it', async () => {
    const token = await signHs256({ sub: '9' });
    expect((await withToken(token)).status).toBe(200);

    const logout = await fetch(new URL('/auth/logout', stack.gatewayUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(204);

    expect((await withToken(token)).status).toBe(401);
    expect((await second.query(ME, {}, { authorization: `Bearer ${token}` })).status).toBe(401);
    // Other tokens of the same user are unaffected.
    expect((await stack.query(ME, {}, await bearer('9'))).body.data).toEqual({ me: { id: '9' } });
  });

  it('when a token without jti is revoked, then it is refused by its hash', async () => {
    const token = await signHs256({ sub: '10', jti: undefined });
    const logout = await fetch(new URL('/auth/logout', second.gatewayUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(204);
    expect((await withToken(token)).status).toBe(401);
  });

  it('when logout is called without a valid token or with GET, then 401 or 405', async () => {
    const url = new URL('/auth/logout', stack.gatewayUrl);
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('when requests arrive, then an authenticated one costs one Redis command and an anonymous one none', async () => {
    const monitorClient = new Redis(testRedisUrl());
    const markerClient = new Redis(testRedisUrl());
    const monitor = await monitorClient.monitor();
    const seen: string[] = [];
    const markersSeen = new Set<string>();
    const markerWaiters = new Map<string, () => void>();
    monitor.on('monitor', (_time: string, args: string[]) => {
      const key = args[1] ?? '';
      if (key.startsWith(`${keyPrefix}marker:`)) {
        markersSeen.add(key);
        markerWaiters.get(key)?.();
      } else if (args.some((a) => a.startsWith(`${keyPrefix}revoked:`))) seen.push(args.join(' '));
    });
    // MONITOR shows commands in the order Redis ran them: once a marker sent after a request's answer
    // shows up, every command that request made has shown up too. No guessing how long to wait.
    let markers = 0;
    const commandsSoFar = async (): Promise<string[]> => {
      const key = `${keyPrefix}marker:${(markers += 1)}`;
      const shown = new Promise<void>((resolve) => markerWaiters.set(key, resolve));
      await markerClient.get(key);
      if (!markersSeen.has(key)) await shown;
      return [...seen];
    };
    try {
      await stack.query(ME);
      expect(await commandsSoFar()).toEqual([]);

      await stack.query(ME, {}, await bearer('11'));
      const commands = await commandsSoFar();
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatch(/^exists /i);
    } finally {
      monitor.disconnect();
      monitorClient.disconnect();
      markerClient.disconnect();
    }
  });

  it('when a client sends identity headers, then subgraphs get only the gateway-signed identity of the real caller', async () => {
    stack.clearRecordedRequests();
    const spoof = { 'x-user-id': '2', 'x-user-scopes': 'admin', 'x-frontdoor-identity': 'v1.forged.forged', 'x-gateway-secret': 'guess' };

    const anonymous = await stack.query(ME, {}, spoof);
    const signedIn = await stack.query(ME, {}, { ...spoof, ...(await bearer('3')) });

    expect(anonymous.body.data).toEqual({ me: null });
    expect(signedIn.body.data).toEqual({ me: { id: '3' } });
    const requests = stack.subgraphs.users?.requests ?? [];
    expect(requests).toHaveLength(2);
    const subjects = requests.map((r) => {
      expect(r.headers['x-user-id']).toBeUndefined();
      expect(r.headers['x-user-scopes']).toBeUndefined();
      expect(r.headers['x-gateway-secret']).toBeUndefined();
      expect(r.headers.authorization).toBeUndefined();
      const [, payload] = (r.headers['x-frontdoor-identity'] ?? '').split('.');
      return (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { sub: string | null }).sub;
    });
    expect(subjects).toEqual([null, '3']);
  });
});

describe('start-up warnings', () => {
  it('when NODE_ENV=production runs on the public development JWT secret, then a warning naming AUTH_JWT_SECRET is logged', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const stack = await startStack({
      subgraphs: ['users'],
      env: { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: 'production-test-identity-secret-0123456789' },
      gatewayDeps: { log },
    });
    try {
      const warning = lines.map((l) => JSON.parse(l) as { level: number; variable?: string; msg: string }).find((l) => l.variable === 'AUTH_JWT_SECRET');
      expect(warning?.level).toBe(40);
      // The identity secret is shared: the production stack still answers signed-in requests.
      expect((await stack.query(ME, {}, await bearer('4'))).body.data).toEqual({ me: { id: '4' } });
    } finally {
      await stack.stop();
    }
  });
});
