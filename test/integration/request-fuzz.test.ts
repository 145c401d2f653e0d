import { startFuzzStack, type FuzzStack } from '../fuzz/fuzz-stack';
import { fuzz } from '../fuzz/fuzz-run';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/stack';

/**
 * Issue #12: no request, however odd, gets a 5xx or an answer outside the error table, and the
 * gateway keeps serving. Bounded so it adds seconds to `npm test`; `npm run fuzz` runs it longer.
 */
describe('the request surface, fuzzed against a gateway process', () => {
  let stack: FuzzStack;
  beforeAll(async () => {
    stack = await startFuzzStack({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniqueKeyPrefix() });
  }, 90_000);
  afterAll(() => stack?.stop());

  it('when a few hundred generated requests arrive, then none gets a 5xx or a code outside the table, and the gateway stays healthy', async () => {
    const report = await fuzz({
      origin: stack.gateway.origin,
      probes: stack.probes,
      numRuns: 300,
      timeLimitMs: 10_000,
      exited: () => (stack.gateway.exit ? JSON.stringify(stack.gateway.exit) : undefined),
    });

    expect(report.failure).toBeUndefined();
    // Enough requests got through to mean something, even on a loaded machine (a megabyte body
    // takes a while there; an idle machine sends all 300).
    expect(report.runs).toBeGreaterThanOrEqual(20);
    expect(await stack.afterwards()).toEqual([]);
    expect(stack.gateway.errorLines).toEqual([]);
  }, 60_000);
});
