import { startStack } from '../helpers/stack';

describe('gateway shutdown', () => {
  it('when stop() is called with a request in flight, then the request completes and stop() is safe to call twice', async () => {
    const stack = await startStack({ subgraphs: ['users'], latencyMs: 400 });
    try {
      const inFlight = stack.query('{ user(id: "7") { id } }');
      await new Promise((r) => setTimeout(r, 100));

      const first = stack.gateway.stop();
      const second = stack.gateway.stop();
      const res = await inFlight;
      await Promise.all([first, second]);

      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ user: { id: '7' } });
      await expect(fetch(stack.gatewayUrl.replace('/graphql', '/health'))).rejects.toThrow();
    } finally {
      await stack.stop();
    }
  });
});
