/**
 * Requests per second only count when the answers are right. Before the load, the profile of every
 * caller is fetched once through Frontdoor and checked (no errors, no null anywhere, the caller's own
 * user) and a sample is compared with every other gateway's answer; during the load every response
 * of every target is compared with it (bench/load.ts).
 */
import type { Caller } from './tokens';

/**
 * The validity rule: a target whose share of bad answers in any round exceeds this (in %) gets no
 * figures that count, and no ratio is printed over it.
 */
export const MAX_BAD_PCT = 0.1;

/** The bad answers of one load round, by kind. */
export interface BadAnswers {
  /** Answers with an HTTP status other than 200. */
  non200: number;
  /** 200 answers carrying `errors`. */
  errors: number;
  /** 200 answers without errors whose data has null parts or differs from the caller's reference. */
  wrongData: number;
  /** Requests that got no answer at all (connection errors, timeouts). */
  failed: number;
}

export const noBadAnswers = (): BadAnswers => ({ non200: 0, errors: 0, wrongData: 0, failed: 0 });

export const badTotal = (b: BadAnswers): number => b.non200 + b.errors + b.wrongData + b.failed;

export function addBad(into: BadAnswers, b: BadAnswers): void {
  into.non200 += b.non200;
  into.errors += b.errors;
  into.wrongData += b.wrongData;
  into.failed += b.failed;
}

/** The one null a complete profile may hold: a user without reviews has no average rating. */
const LEGITIMATE_NULL = /(^|\.)reviewStats\.averageRating$/;

/** Paths of the null values in `value` ("user.orders.0.payment"), except the legitimate one. */
export function nullPaths(value: unknown, at = ''): string[] {
  if (value === null) return LEGITIMATE_NULL.test(at) ? [] : [at || '(root)'];
  if (typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.push(...nullPaths(v, at ? `${at}.${k}` : k));
  return out;
}

/** Expected `data`, serialised, per caller id. */
export type References = ReadonlyMap<string, string>;

/** Counts one HTTP answer into `bad` unless it is a 200 without errors whose `data` serialises to `expected`. */
export function classify(status: number, body: string, expected: string | undefined, bad: BadAnswers): void {
  if (status !== 200) {
    bad.non200 += 1;
    return;
  }
  let parsed: { data?: unknown; errors?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    bad.wrongData += 1;
    return;
  }
  if (parsed.errors !== undefined) bad.errors += 1;
  else if (expected === undefined || JSON.stringify(parsed.data) !== expected) bad.wrongData += 1;
}

interface GraphQLAnswer {
  data?: unknown;
  errors?: unknown[];
}

export async function postGraphQL(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: GraphQLAnswer }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as GraphQLAnswer };
}

/**
 * Every caller's profile through `url`, each checked: 200, no errors, no null part, the caller's own
 * user. Eight at a time: a few seconds for 1000 callers.
 */
export async function fetchReferences(url: string, query: string, callers: readonly Caller[]): Promise<Map<string, unknown>> {
  const refs = new Map<string, unknown>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < callers.length; i = next++) {
      const caller = callers[i]!;
      const { status, body } = await postGraphQL(url, query, { id: caller.id }, { authorization: caller.authorization });
      const user = (body.data as { user?: { id?: unknown } } | undefined)?.user;
      const nulls = nullPaths(body.data);
      if (status !== 200 || body.errors || nulls.length > 0 || user?.id !== caller.id) {
        throw new Error(`reference profile of user ${caller.id} is not complete (status ${status}, null at ${nulls.join(', ') || '-'}): ${JSON.stringify(body).slice(0, 300)}`);
      }
      refs.set(caller.id, body.data);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return refs;
}

/** Throws unless `url` answers exactly the reference for each of `sample`'s callers. */
export async function expectSameAnswers(label: string, url: string, query: string, sample: readonly Caller[], refs: ReadonlyMap<string, unknown>): Promise<void> {
  for (const caller of sample) {
    const { status, body } = await postGraphQL(url, query, { id: caller.id }, { authorization: caller.authorization });
    if (status !== 200 || body.errors || JSON.stringify(body.data) !== JSON.stringify(refs.get(caller.id))) {
      throw new Error(`${label} answered user ${caller.id} differently from the reference: ${status} ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
}
