import pino from 'pino';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { startStack, uniqueKeyPrefix, type GraphQLResult, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const ME = '{ me { id } }';

/**
 * Redis stops while signed-in callers are active (issue #13, item 2; issue #17: AUTH_REVOCATION_FAIL_OPEN
 * both ways). The command timeout is set far above the jest timeout: a request that waited for
 * Redis instead of answering from the client's connection state would hang the test.
 */
const COMMAND_TIMEOUT_MS = '60000';

async function until(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 50));
}

describe.each([
  ['false', 503],
  ['true', 200],
] as const)('when Redis stops with AUTH_REVOCATION_FAIL_OPEN=%s', (failOpen, expectedStatus) => {
  let redis: OwnRedis;
  let stack: Stack;
  const warnings: Array<{ msg: string }> = [];
  beforeAll(async () => {
    // Persistent: this test is about an outage, not data loss (revocation-data-loss.test.ts is).
    redis = await startOwnRedis({ persistent: true });
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as { msg: string }) });
    stack = await startStack({
      subgraphs: ['users'],
      gatewayDeps: { log },
      env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniqueKeyPrefix(), AUTH_REVOCATION_FAIL_OPEN: failOpen, REDIS_COMMAND_TIMEOUT_MS: COMMAND_TIMEOUT_MS },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  it(`then signed-in requests get ${expectedStatus} at once, anonymous ones are served, and both recover when Redis is back`, async () => {
    // Arrange
    const user = await bearer('5');
    expect((await stack.query(ME, {}, user)).body.data).toEqual({ me: { id: '5' } });

    // Act
    await redis.kill();
    const signedIn: GraphQLResult[] = [];
    for (let i = 0; i < 5; i += 1) signedIn.push(await stack.query(ME, {}, user));
    const anonymous = await stack.query('{ user(id: "1") { id } }');
    const logout = await fetch(new URL('/auth/logout', stack.gatewayUrl), { method: 'POST', headers: user });

    // Assert
    for (const res of signedIn) {
      expect(res.status).toBe(expectedStatus);
      if (failOpen === 'false') {
        expect(res.body.errors?.[0]?.extensions?.code).toBe('AUTHENTICATION_UNAVAILABLE');
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.headers.get('www-authenticate')).toBeNull();
        expect(res.body.data ?? null).toBeNull();
      } else {
        expect(res.body.data).toEqual({ me: { id: '5' } });
      }
    }
    expect(anonymous.status).toBe(200);
    // A logout that cannot be stored must be retried, in either mode: the token still works.
    expect(logout.status).toBe(503);
    expect(((await logout.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('AUTHENTICATION_UNAVAILABLE');
    expect(warnings.map((w) => w.msg).some((m) => m.startsWith('revocation check failed'))).toBe(true);

    // Recovery: the same token is served again once Redis answers (no restart of the gateway).
    await redis.restart();
    await until(async () => (await stack.query(ME, {}, user)).status === 200);
    expect((await stack.query(ME, {}, user)).body.data).toEqual({ me: { id: '5' } });
  }, 15_000);
});
