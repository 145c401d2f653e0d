import type { Logger } from '../logger';
import { createSubscriber, duplicateClient, type RedisClient } from '../redis';
import { allTags, callerTag } from '../store/hash-tags';
import { subjectKey } from '../limits/caller';
import type { VerifiedToken } from './jwt';
import { LocalRevocations, revocationKey, type RevocationList, type RevocationVerdict } from './revocation';

/**
 * The epoch marker of one caller tag: when Redis last started holding revocations for it, in ms
 * (Redis's clock). It has no TTL, so it disappears only when Redis loses data: a restart without
 * persistence, a flush, a failover to an empty replica. A missing marker is re-created with
 * "now", and every token issued in the same or an earlier second is refused from then on (`iat`
 * has whole seconds): any revocation made before the loss is among them. Revocations are kept no longer than their token's `exp`,
 * so the rule only ever costs a new sign-in, once.
 */
const ENSURE_EPOCH = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
redis.call('SET', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return 1
`;

/**
 * Creates the markers that do not exist yet with `sinceMs` instead of "now": a deliberate
 * statement that this Redis (and key prefix) is new and never lost a revocation, so tokens issued
 * since then are accepted. For a new deployment, or a test's fresh key prefix; never after a loss.
 * Returns how many it created.
 */
export async function seedRevocationEpochs(redis: RedisClient, sinceMs: number): Promise<number> {
  const created = await Promise.all(allTags().map((tag) => redis.set(epochKey(tag), String(sinceMs), 'NX')));
  return created.filter((r) => r === 'OK').length;
}

/**
 * One round trip: KEYS[1] the caller tag's epoch marker, KEYS[2] the token's revocation key,
 * ARGV[1] the token's `iat` in seconds (-1 without one). Returns {verdict, lost}: verdict 0 valid,
 * 1 revoked, 2 issued before the epoch; lost 1 when the marker was missing (Redis lost data).
 */
export const REVOCATION_CHECK = `
local lost = 0
local epoch = tonumber(redis.call('GET', KEYS[1]))
if epoch == nil then
  local t = redis.call('TIME')
  epoch = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('SET', KEYS[1], epoch)
  lost = 1
end
local iat = tonumber(ARGV[1])
-- iat has whole seconds: a token of the marker's own second may be older than the marker.
if iat < 0 or iat <= math.floor(epoch / 1000) then return {2, lost} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {1, lost} end
return {0, lost}
`;

interface RevocationCommands {
  frontdoorRevocationCheck(epochKey: string, revokedKey: string, issuedAtS: number): Promise<[number, number]>;
  frontdoorEnsureEpoch(epochKey: string): Promise<number>;
}

const VERDICTS: readonly RevocationVerdict[] = ['valid', 'revoked', 'before-epoch'];

/** How often the loss of revocation data is logged, in ms. */
const LOSS_LOG_INTERVAL_MS = 10_000;

export interface RedisRevocationOptions {
  redis: RedisClient;
  /** REDIS_KEY_PREFIX: pub/sub channels are not prefixed by the client. */
  keyPrefix: string;
  clockToleranceMs: number;
  /** Replicas that must acknowledge a revocation (WAIT) before logout answers; 0 = the primary's word. */
  replicas: number;
  /** WAIT's own bound, in ms: below the command timeout so the answer is "fewer replicas", not a timeout. */
  waitMs: number;
  log: Logger;
}

/** Where a revocation lives: beside the caller's limits (one hash tag, store/hash-tags.ts). */
export function revocationKeys(token: VerifiedToken): { epoch: string; revoked: string } {
  const tag = callerTag(subjectKey(token.principal.id ?? ''));
  return { epoch: epochKey(tag), revoked: `${tag}:revoked:${revocationKey(token)}` };
}

function epochKey(tag: string): string {
  return `${tag}:epoch`;
}

/**
 * Revocations in Redis, made to survive Redis losing them (issue #13, item 1), in three layers:
 *  1. epoch markers (ENSURE_EPOCH): after any loss, tokens issued before it are refused;
 *  2. WAIT for `replicas` after each revocation, so a failover to a replica does not lose it;
 *  3. every instance keeps the revocations it hears of (its own, and others' by pub/sub) until
 *     their `exp`, and refuses those tokens without asking Redis.
 */
export class RedisRevocationList implements RevocationList {
  private readonly local = new LocalRevocations();
  private readonly subscriber: RedisClient;
  private readonly channel: string;
  private writer: RedisClient | undefined;
  private lastLossLogMs = 0;

  constructor(private readonly opts: RedisRevocationOptions) {
    const { redis } = opts;
    if (!('frontdoorRevocationCheck' in redis)) redis.defineCommand('frontdoorRevocationCheck', { numberOfKeys: 2, lua: REVOCATION_CHECK });
    if (!('frontdoorEnsureEpoch' in redis)) redis.defineCommand('frontdoorEnsureEpoch', { numberOfKeys: 1, lua: ENSURE_EPOCH });
    this.channel = `${opts.keyPrefix}revocations`;
    this.subscriber = createSubscriber(redis);
    this.subscriber.on('message', (_channel: string, message: string) => this.heard(message));
    void this.subscriber.subscribe(this.channel).catch((err: Error) => opts.log.warn({ error: err.message }, 'cannot subscribe to revocations; relying on Redis alone'));
    // On the first connect and after every reconnect: a Redis that came back empty gets its markers now.
    redis.on('ready', () => void this.ensureEpochs());
    if (redis.status === 'ready') void this.ensureEpochs();
  }

  async revoke(token: VerifiedToken, nowMs = Date.now()): Promise<boolean> {
    const key = revocationKey(token);
    const untilMs = token.expiresAtMs + this.opts.clockToleranceMs;
    const ttlMs = untilMs - nowMs;
    if (ttlMs <= 0) return false;
    const stored = await this.store(revocationKeys(token).revoked, Math.ceil(ttlMs));
    // Only once Redis has it: a logout answered 503 has revoked nothing, anywhere.
    this.local.add(key, untilMs, nowMs);
    // Best effort: the other instances' copies are the third layer, Redis is the first.
    await this.opts.redis.publish(this.channel, `${untilMs} ${key}`).catch(() => undefined);
    return stored;
  }

  async check(token: VerifiedToken): Promise<RevocationVerdict> {
    if (this.knownRevoked(token)) return 'revoked';
    const keys = revocationKeys(token);
    const [verdict, lost] = await (this.opts.redis as unknown as RevocationCommands).frontdoorRevocationCheck(keys.epoch, keys.revoked, token.issuedAtS ?? -1);
    if (lost === 1) this.noticeLoss();
    return VERDICTS[verdict] ?? 'revoked';
  }

  async isRevoked(token: VerifiedToken): Promise<boolean> {
    return (await this.check(token)) !== 'valid';
  }

  knownRevoked(token: VerifiedToken): boolean {
    return this.local.has(revocationKey(token));
  }

  /** Creates the markers that are missing; logs when there were any (a new Redis, or one that lost its data). */
  async ensureEpochs(): Promise<void> {
    const commands = this.opts.redis as unknown as RevocationCommands;
    try {
      const created = await Promise.all(allTags().map((tag) => commands.frontdoorEnsureEpoch(epochKey(tag))));
      const count = created.filter((c) => c === 1).length;
      if (count > 0) {
        this.opts.log.warn({ markers: count }, 'revocation epoch markers created (a new Redis or key prefix, or Redis lost data): tokens issued before now must sign in again');
      }
    } catch (err) {
      // The check script re-creates a missing marker itself; this only saves the first caller per tag a refusal.
      this.opts.log.warn({ error: (err as Error).message }, 'revocation epoch markers not checked');
    }
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.writer?.disconnect();
  }

  private async store(key: string, ttlMs: number): Promise<boolean> {
    const { replicas, redis } = this.opts;
    if (replicas === 0) return (await redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
    // WAIT blocks its connection until the replicas answer: never on the shared client.
    this.writer ??= duplicateClient(redis, { queueUntilConnected: true });
    const results = await this.writer.pipeline().set(key, '1', 'PX', ttlMs, 'NX').wait(replicas, this.opts.waitMs).exec();
    const [setError, set] = results?.[0] ?? [new Error('no reply')];
    if (setError) throw setError;
    const [, acked] = results?.[1] ?? [];
    if (typeof acked !== 'number' || acked < replicas) {
      this.opts.log.warn({ acked: acked ?? 0, wanted: replicas }, 'revocation stored on the primary but acknowledged by fewer replicas than AUTH_REVOCATION_REPLICAS');
    }
    return set === 'OK';
  }

  private heard(message: string): void {
    const space = message.indexOf(' ');
    const untilMs = Number(message.slice(0, space));
    if (space > 0 && Number.isFinite(untilMs)) this.local.add(message.slice(space + 1), untilMs);
  }

  /**
   * A check (here or in the request gate) found its marker missing: Redis lost data without this
   * client reconnecting (a flush, a failover). Re-create every tag's marker now rather than one at
   * a time as callers arrive, so tokens issued from now on work everywhere. At most once per log
   * interval.
   */
  noticeLoss(): void {
    const now = Date.now();
    if (now - this.lastLossLogMs < LOSS_LOG_INTERVAL_MS) return;
    this.lastLossLogMs = now;
    this.opts.log.warn('revocation epoch marker was missing (Redis lost data): tokens issued before now are refused until they expire');
    void this.ensureEpochs();
  }
}
