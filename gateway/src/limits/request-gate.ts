import { revocationKeys } from '../auth/redis-revocations';
import type { VerifiedToken } from '../auth/jwt';
import { isRedisReady, type RedisClient } from '../redis';
import { callerTag } from '../store/hash-tags';
import { GATE_COMMAND, GATE_SCRIPT, type GateCommand } from './gate-script';
import type { BucketShape } from './token-bucket';

/** One limiter decision, with what the `RateLimit-*` headers report. */
export interface RateLimitResult {
  allowed: boolean;
  /** Points per window. */
  limit: number;
  /** Points left in the window (0 when over). */
  remaining: number;
  /** Until the window resets, in ms. */
  resetMs: number;
  /** Window length, in seconds. */
  windowSeconds: number;
}

export interface BudgetDecision {
  allowed: boolean;
  /** Points left in the caller's bucket after this decision. */
  available: number;
  retryAfterMs: number;
}

/** A fixed-window limit to count against: `key` is unique per limit and caller. */
export interface GateLimit {
  key: string;
  points: number;
  windowSeconds: number;
  count: number;
}

export interface GateBudget {
  key: string;
  shape: BucketShape;
  /** Points to reserve (0: none, e.g. a refund on its own). */
  take: number;
  /** Points owed back from earlier requests, returned before anything is taken. */
  refund: number;
}

/** Everything one operation asks the shared state, for one caller. */
export interface GateRequest {
  /** Whom the limits count against (limits/caller.ts); its hash tag holds every key. */
  callerKey: string;
  /** A bearer token whose revocation is still to be checked. */
  token?: VerifiedToken;
  /** The global limit first, then the fields' `@rateLimit`s. */
  limits: readonly GateLimit[];
  budget?: GateBudget;
}

export type GateOutcome =
  | { status: 'admitted'; limits: RateLimitResult[]; budget?: BudgetDecision }
  | { status: 'revoked' }
  | { status: 'before-epoch' }
  /** `over`: index of the limit that refused (the ones after it were not counted). */
  | { status: 'limited'; limits: RateLimitResult[]; over: number }
  | { status: 'throttled'; limits: RateLimitResult[]; budget: BudgetDecision };

/** The shared state's answer for one operation: Redis (one script) or this process's memory. */
export interface RequestGate {
  check(request: GateRequest): Promise<GateOutcome>;
}

const STATUSES = ['admitted', 'revoked', 'before-epoch', 'limited', 'throttled'] as const;

/** The gate in Redis: one script, one round trip, whatever the operation asks (gate-script.ts). */
export class RedisRequestGate implements RequestGate {
  constructor(
    private readonly redis: RedisClient,
    /** Told when the script found its epoch marker missing (Redis lost data). */
    private readonly onLoss: () => void,
  ) {
    if (!(GATE_COMMAND in redis)) redis.defineCommand(GATE_COMMAND, { lua: GATE_SCRIPT });
  }

  async check(request: GateRequest): Promise<GateOutcome> {
    // Not connected (an outage, a reconnect): fail now, the caller's failure rules answer.
    if (!isRedisReady(this.redis)) throw new Error(`redis is ${this.redis.status}`);
    const tag = callerTag(request.callerKey);
    // Without a token the script reads neither; any key of the tag fills the two places.
    const revocation = request.token ? revocationKeys(request.token) : { epoch: `${tag}:epoch`, revoked: `${tag}:epoch` };
    const { limits, budget } = request;
    const keys = [revocation.epoch, revocation.revoked, ...limits.map((l) => `${tag}:${l.key}`), ...(budget ? [`${tag}:${budget.key}`] : [])];
    const args: Array<string | number> = [request.token ? (request.token.issuedAtS ?? -1) : -2, limits.length];
    for (const l of limits) args.push(l.points, l.windowSeconds * 1000, l.count);
    if (budget) args.push(budget.shape.capacity, budget.shape.restorePerSecond, budget.take, budget.refund);
    const reply = await (this.redis as unknown as GateCommand).frontdoorGate(keys.length, ...keys, ...args);
    if (Number(reply[1]) === 1) this.onLoss();
    return toOutcome(reply, request);
  }
}

function toOutcome(reply: ReadonlyArray<number | string>, request: GateRequest): GateOutcome {
  const status = STATUSES[Number(reply[0])] ?? 'revoked';
  if (status === 'revoked' || status === 'before-epoch') return { status };
  const results: RateLimitResult[] = [];
  let i = 3;
  for (const limit of request.limits) {
    // A refused limit ends the script: only the limits up to it have counts.
    if (i >= reply.length || (status === 'limited' && results.length === Number(reply[2]))) break;
    results.push(limitResult(limit, Number(reply[i]), Number(reply[i + 1])));
    i += 2;
  }
  if (status === 'limited') return { status, limits: results, over: Number(reply[2]) - 1 };
  const budget = request.budget && i < reply.length ? { allowed: Number(reply[i]) === 1, available: Number(reply[i + 1]), retryAfterMs: Number(reply[i + 2]) } : undefined;
  if (status === 'throttled' && budget) return { status, limits: results, budget };
  return budget ? { status: 'admitted', limits: results, budget } : { status: 'admitted', limits: results };
}

export function limitResult(limit: GateLimit, count: number, resetMs: number): RateLimitResult {
  return { allowed: count <= limit.points, limit: limit.points, remaining: Math.max(0, limit.points - count), resetMs, windowSeconds: limit.windowSeconds };
}
