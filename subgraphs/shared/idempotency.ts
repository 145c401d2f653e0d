/**
 * Idempotent mutations in a subgraph: the gateway signs the client's Idempotency-Key into the
 * identity header (./identity.ts, claim `idk`), bound to the caller. A mutation resolver wrapped in
 * `idempotent()` applies the change once per (caller, key, response field): a repeat returns the
 * first result without applying it again. This is the part no gateway record can do: when the
 * connection breaks after the subgraph applied the mutation, only the subgraph knows it did.
 * Records live in Redis when the subgraph has REDIS_URL (every replica sees them), else in memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import type { Redis } from 'ioredis';
import type { SubgraphContext } from './context';
import { subgraphError } from './errors';

/** What a store knows about a (caller, key, field). */
export type Begin = { kind: 'started'; token: string } | { kind: 'done'; result: unknown } | { kind: 'in-progress' } | { kind: 'mismatch' };

export interface IdempotencyStore {
  /** Starts a record unless one exists; `fingerprint` identifies the arguments it was started with. */
  begin(recordKey: string, fingerprint: string): Promise<Begin>;
  /** Keeps the result for later repeats. */
  complete(recordKey: string, fingerprint: string, result: unknown): Promise<void>;
  /** Drops a record that `begin` started (the resolver failed before changing anything). */
  abandon(recordKey: string, token: string): Promise<void>;
}

type StoredRecord = { state: 'running'; fingerprint: string; token: string } | { state: 'done'; fingerprint: string; result: unknown };

export interface IdempotencyTtls {
  /** How long a completed result is kept, in ms. @default 86400000 (24 h, as the gateway) */
  ttlMs?: number;
  /** How long an unfinished record blocks its key (a crashed process), in ms. @default 60000 */
  inFlightMs?: number;
}

const DEFAULT_TTL_MS = 86_400_000;
const DEFAULT_IN_FLIGHT_MS = 60_000;

/** One process's records: the default, and what tests use. Bounded by expiry on read. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, { record: StoredRecord; expiresAtMs: number }>();
  private readonly ttlMs: number;
  private readonly inFlightMs: number;

  constructor(ttls: IdempotencyTtls = {}) {
    this.ttlMs = ttls.ttlMs ?? DEFAULT_TTL_MS;
    this.inFlightMs = ttls.inFlightMs ?? DEFAULT_IN_FLIGHT_MS;
  }

  async begin(recordKey: string, fingerprint: string): Promise<Begin> {
    const now = Date.now();
    const existing = this.records.get(recordKey);
    if (existing && existing.expiresAtMs > now) return describe(existing.record, fingerprint);
    const token = randomUUID();
    this.records.set(recordKey, { record: { state: 'running', fingerprint, token }, expiresAtMs: now + this.inFlightMs });
    return { kind: 'started', token };
  }

  async complete(recordKey: string, fingerprint: string, result: unknown): Promise<void> {
    // A copy, as Redis would keep: later changes to the record do not change the first answer.
    this.records.set(recordKey, { record: { state: 'done', fingerprint, result: JSON.parse(JSON.stringify(result)) as unknown }, expiresAtMs: Date.now() + this.ttlMs });
    if (this.records.size > 10_000) this.sweep();
  }

  async abandon(recordKey: string, token: string): Promise<void> {
    const existing = this.records.get(recordKey)?.record;
    if (existing?.state === 'running' && existing.token === token) this.records.delete(recordKey);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.records) if (entry.expiresAtMs <= now) this.records.delete(key);
  }
}

/** Compare-and-delete: only the request that started a record may drop it. */
const ABANDON_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Records shared by every replica of the subgraph: `SET NX` makes exactly one of two concurrent repeats start. */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly ttlMs: number;
  private readonly inFlightMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    ttls: IdempotencyTtls = {},
  ) {
    this.ttlMs = ttls.ttlMs ?? DEFAULT_TTL_MS;
    this.inFlightMs = ttls.inFlightMs ?? DEFAULT_IN_FLIGHT_MS;
  }

  async begin(recordKey: string, fingerprint: string): Promise<Begin> {
    const key = this.keyPrefix + recordKey;
    const token = randomUUID();
    const running: StoredRecord = { state: 'running', fingerprint, token };
    if ((await this.redis.set(key, JSON.stringify(running), 'PX', this.inFlightMs, 'NX')) === 'OK') return { kind: 'started', token };
    const text = await this.redis.get(key);
    // Expired between the two commands: treat as still busy; the client's retry starts it.
    if (text === null) return { kind: 'in-progress' };
    return describe(JSON.parse(text) as StoredRecord, fingerprint);
  }

  async complete(recordKey: string, fingerprint: string, result: unknown): Promise<void> {
    const done: StoredRecord = { state: 'done', fingerprint, result };
    await this.redis.set(this.keyPrefix + recordKey, JSON.stringify(done), 'PX', this.ttlMs);
  }

  async abandon(recordKey: string, token: string): Promise<void> {
    await this.redis.eval(ABANDON_SCRIPT, 1, this.keyPrefix + recordKey, token);
  }
}

function describe(record: StoredRecord, fingerprint: string): Begin {
  if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
  return record.state === 'done' ? { kind: 'done', result: record.result } : { kind: 'in-progress' };
}

type Resolver<TArgs, TContext, TResult> = (parent: unknown, args: TArgs, ctx: TContext, info: GraphQLResolveInfo) => Promise<TResult>;

/**
 * Wraps a mutation resolver: without a key it runs as before; with one, the first call per
 * (caller, key, response field) runs and its result is kept, a repeat with the same arguments gets
 * that result, with other arguments IDEMPOTENCY_KEY_REUSED, while the first still runs
 * IDEMPOTENCY_KEY_IN_USE. The response field (alias) is part of the record, so two aliased calls
 * in one operation stay two calls. The result must be plain JSON (the stores' records are).
 */
export function idempotent<TArgs, TContext extends SubgraphContext<unknown>, TResult>(
  store: IdempotencyStore,
  resolve: Resolver<TArgs, TContext, TResult>,
): Resolver<TArgs, TContext, TResult> {
  return async (parent, args, ctx, info) => {
    const key = ctx.idempotencyKey;
    if (key === null) return resolve(parent, args, ctx, info);
    const recordKey = `${info.parentType.name}.${info.fieldName}:${ctx.principal.id ?? 'anonymous'}:${sha256(key)}:${String(info.path.key)}`;
    const fingerprint = sha256(stableJson(args));
    const begun = await store.begin(recordKey, fingerprint);
    switch (begun.kind) {
      case 'done':
        ctx.log.info({ field: info.fieldName }, 'idempotent repeat answered from its record');
        return begun.result as TResult;
      case 'mismatch':
        throw subgraphError('IDEMPOTENCY_KEY_REUSED');
      case 'in-progress':
        throw subgraphError('IDEMPOTENCY_KEY_IN_USE');
      case 'started':
        break;
    }
    let result: TResult;
    try {
      result = await resolve(parent, args, ctx, info);
    } catch (err) {
      // Our resolvers validate before they change anything: a failure changed nothing, so the key is free again.
      await store.abandon(recordKey, begun.token);
      throw err;
    }
    await store.complete(recordKey, fingerprint, result);
    return result;
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
