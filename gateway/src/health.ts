import type { GatewayResponse } from './edge/request-types';

/** null: healthy; a string: the reason the gateway is not ready; `{ degraded }`: reported, but still ready. */
export type ReadinessResult = string | null | { degraded: string };

export interface ReadinessCheck {
  name: string;
  /** Resolves to null when healthy, else a short reason (no secrets, no internal URLs). */
  check(): Promise<ReadinessResult> | ReadinessResult;
}

/** GET /health: the process is alive and its event loop answers. Never depends on anything else. */
export function sendHealth(res: GatewayResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/** GET /ready: every check passes → 200; else 503 with the failing checks named. */
export async function sendReady(res: GatewayResponse, checks: readonly ReadinessCheck[]): Promise<void> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return { name: c.name, problem: await c.check() } as { name: string; problem: ReadinessResult };
      } catch (err) {
        return { name: c.name, problem: (err as Error).message };
      }
    }),
  );
  const failing = results.filter((r) => typeof r.problem === 'string');
  const body = {
    status: failing.length === 0 ? 'ready' : 'not ready',
    checks: Object.fromEntries(results.map((r) => [r.name, describeResult(r.problem)])),
  };
  sendJson(res, failing.length === 0 ? 200 : 503, body);
}

function describeResult(result: ReadinessResult): string {
  if (result === null) return 'ok';
  return typeof result === 'string' ? result : `degraded: ${result.degraded}`;
}

function sendJson(res: GatewayResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}
