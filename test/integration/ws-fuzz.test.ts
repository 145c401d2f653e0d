import { startFuzzStack, type FuzzStack } from '../fuzz/fuzz-stack';
import { fuzzWebSocket } from '../fuzz/ws-fuzz-run';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/stack';

/**
 * Issue #12, WebSocket door: no session, however odd (handshakes, frames, graphql-transport-ws
 * messages, documents), gets a 5xx, a 4500/1011 close, a code outside the table or no answer, and
 * the gateway keeps serving with no subscription left open. Bounded so it adds seconds to
 * `npm test`; `npm run fuzz -- --ws` plays thousands.
 */
describe('the WebSocket door, fuzzed against a gateway process', () => {
  let stack: FuzzStack;
  beforeAll(async () => {
    stack = await startFuzzStack({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniqueKeyPrefix() });
  }, 90_000);
  afterAll(() => stack?.stop());

  it('when generated sessions play against it, then every close code is documented, every message is in the table, and the gateway stays healthy', async () => {
    const report = await fuzzWebSocket({
      origin: stack.gateway.origin,
      sessions: stack.sessions,
      numRuns: 150,
      timeLimitMs: 8_000,
      exited: () => (stack.gateway.exit ? JSON.stringify(stack.gateway.exit) : undefined),
    });

    expect(report.failure).toBeUndefined();
    // Enough sessions to mean something, even on a loaded machine (a session lasts 0.2–1.5 s).
    expect(report.runs).toBeGreaterThanOrEqual(10);
    expect(await stack.afterwards()).toEqual([]);
    expect(stack.gateway.errorLines).toEqual([]);
  }, 60_000);
});
