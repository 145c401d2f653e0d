import { postGraphQL } from './stack';

/** One answer a gateway gave while Redis failed over. */
export interface FailoverAnswer {
  /** Which gateway answered: 0 is the fail-closed-revocation one (see unexpectedAnswers). */
  gateway: number;
  signedIn: boolean;
  status: number;
  code: unknown;
}

/**
 * Sends `query` to each gateway in a loop until `stop()` (every fourth request anonymous, the rest
 * signed in as one of `callers`), recording every answer. The Cluster and Sentinel failover tests
 * share it, so both hold the gateways to the same rules (unexpectedAnswers).
 */
export function loadDuringFailover(gateways: ReadonlyArray<{ gateway: number; url: string }>, callers: ReadonlyArray<Record<string, string>>, query: string): { seen: FailoverAnswer[]; stop(): Promise<void> } {
  const seen: FailoverAnswer[] = [];
  let stopped = false;
  const load = Promise.all(
    gateways.map(async ({ gateway, url }) => {
      for (let i = 0; !stopped; i += 1) {
        const signedIn = i % 4 !== 3;
        const res = await postGraphQL(url, { query }, signedIn ? (callers[i % callers.length] as Record<string, string>) : {});
        seen.push({ gateway, signedIn, status: res.status, code: res.body.errors?.[0]?.extensions?.code });
      }
    }),
  );
  return {
    seen,
    stop: async () => {
      stopped = true;
      await load;
    },
  };
}

/**
 * The answers a failover must not produce: anything but 200 or the owning feature's 503. Gateway 0
 * runs revocation fail-closed and limits fail-open (a signed-in caller may get
 * AUTHENTICATION_UNAVAILABLE); every other gateway runs revocation fail-open and limits fail-closed
 * (RATE_LIMITER_UNAVAILABLE). Never a 401 (a logout) or a 500.
 */
export function unexpectedAnswers(seen: readonly FailoverAnswer[]): FailoverAnswer[] {
  return seen.filter((s) => {
    if (s.status === 200) return false;
    if (s.status !== 503) return true;
    return s.gateway === 0 ? !(s.signedIn && s.code === 'AUTHENTICATION_UNAVAILABLE') : s.code !== 'RATE_LIMITER_UNAVAILABLE';
  });
}

/** Asks every caller once per round until all get 200 (clients find the promoted node on their own schedule), at most 100 rounds; the last round's statuses. */
export async function statusesOnceServed(ask: () => Promise<number[]>): Promise<number[]> {
  let after: number[] = [];
  for (let round = 0; round < 100; round += 1) {
    after = await ask();
    if (after.every((s) => s === 200)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return after;
}
