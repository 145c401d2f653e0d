import { createHash, randomUUID } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import type { Logger } from '../logger';
import type { KeyValueStore } from '../store/key-value-store';

/** A completed mutation's answer, as the client got it. */
export interface StoredResponse {
  status: number;
  body: FormattedExecutionResult;
}

type StoredRecord =
  | { state: 'running'; bodyHash: string; token: string }
  | { state: 'done'; bodyHash: string; response: StoredResponse };

/** What a request holding a key learns about it. */
export type Claim =
  /** This request runs the mutation; it must `complete` or `release` the key afterwards. */
  | { kind: 'claimed'; complete(response: StoredResponse): Promise<void>; release(): Promise<void> }
  /** The same request already completed: answer with its response. */
  | { kind: 'replay'; response: StoredResponse }
  /** The same key is running right now (here or on another instance). */
  | { kind: 'in-use' }
  /** The key was used by this caller for a different request. */
  | { kind: 'reused' }
  /** The store failed: run without the gateway's record (subgraphs that honour the key still dedupe). */
  | { kind: 'unavailable' };

export interface IdempotencyStoreOptions {
  /** How long a completed response is kept, in ms. */
  ttlMs: number;
  /** How long an unfinished claim holds the key, in ms (a crashed instance's claim expires). */
  inFlightMs: number;
  log: Logger;
}

/**
 * Completed mutation responses per (caller, key), with the hash of the request they answered, in
 * the shared KeyValueStore (Redis for a fleet), so a repeat on any instance is answered from
 * here. A claim is `setIfAbsent`: of two concurrent requests with one key exactly one runs.
 */
export class IdempotencyStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly opts: IdempotencyStoreOptions,
  ) {}

  async claim(caller: string, key: string, bodyHash: string): Promise<Claim> {
    // The key itself is the client's secret-ish handle: stored only as a hash.
    const recordKey = `${caller}:${createHash('sha256').update(key).digest('hex')}`;
    try {
      const token = randomUUID();
      const running: StoredRecord = { state: 'running', bodyHash, token };
      for (let attempt = 0; attempt < 2; attempt += 1) {
        if (await this.kv.setIfAbsent(recordKey, JSON.stringify(running), this.opts.inFlightMs)) return this.claimed(recordKey, token, bodyHash);
        const existing = parseRecord(await this.kv.get(recordKey));
        // Gone between the two calls (expired or released): try to claim it once more.
        if (!existing) continue;
        if (existing.bodyHash !== bodyHash) return { kind: 'reused' };
        return existing.state === 'done' ? { kind: 'replay', response: existing.response } : { kind: 'in-use' };
      }
      return { kind: 'in-use' };
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'idempotency store unavailable: mutation runs without the gateway record');
      return { kind: 'unavailable' };
    }
  }

  private claimed(recordKey: string, token: string, bodyHash: string): Claim {
    /** Still ours: our claim expired (IDEMPOTENCY_IN_FLIGHT_MS) and another request took the key meanwhile. */
    const stillOurs = async () => {
      const current = parseRecord(await this.kv.get(recordKey).catch(() => null));
      return current === undefined || (current.state === 'running' && current.token === token);
    };
    return {
      kind: 'claimed',
      complete: async (response) => {
        if (!(await stillOurs())) return;
        const done: StoredRecord = { state: 'done', bodyHash, response };
        await this.write(() => this.kv.set(recordKey, JSON.stringify(done), this.opts.ttlMs));
      },
      release: async () => {
        if (await stillOurs()) await this.write(() => this.kv.delete(recordKey));
      },
    };
  }

  private async write(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'idempotency record not written');
    }
  }
}

function parseRecord(text: string | null): StoredRecord | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StoredRecord>;
    if (typeof value.bodyHash !== 'string') return undefined;
    if (value.state === 'running' && typeof value.token === 'string') return value as StoredRecord;
    if (value.state === 'done' && typeof value.response === 'object' && value.response !== null) return value as StoredRecord;
    return undefined;
  } catch {
    return undefined;
  }
}
