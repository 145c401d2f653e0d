import type { GraphQLError } from 'graphql';
import type { VerifiedToken } from '../auth/jwt';
import type { ClientStream, EndReason } from './client-stream';
import type { SubscriptionProtocol } from './subscription-slot';

/** One open client subscription, as caps, the token watch and lifecycle see it. */
export interface OpenSubscription {
  stream: ClientStream;
  protocol: SubscriptionProtocol;
  /** Principal id, else `ip:<client ip>`: whose cap it counts against. */
  caller: string;
  /** The bearer token it started with (absent: anonymous). */
  token: VerifiedToken | undefined;
  /** The WebSocket connection's own set (per-connection cap); absent for HTTP streams. */
  connection: Set<OpenSubscription> | undefined;
}

/** Every open subscription of this instance, by caller. */
export class SubscriptionRegistry {
  private readonly all = new Set<OpenSubscription>();
  private readonly byCaller = new Map<string, number>();

  get size(): number {
    return this.all.size;
  }

  countFor(caller: string): number {
    return this.byCaller.get(caller) ?? 0;
  }

  add(entry: OpenSubscription): void {
    this.all.add(entry);
    entry.connection?.add(entry);
    this.byCaller.set(entry.caller, this.countFor(entry.caller) + 1);
  }

  remove(entry: OpenSubscription): void {
    if (!this.all.delete(entry)) return;
    entry.connection?.delete(entry);
    const left = this.countFor(entry.caller) - 1;
    if (left > 0) this.byCaller.set(entry.caller, left);
    else this.byCaller.delete(entry.caller);
  }

  /** The open subscriptions grouped by the token they started with (the token watch checks each token once). */
  byToken(): Map<VerifiedToken, OpenSubscription[]> {
    const out = new Map<VerifiedToken, OpenSubscription[]>();
    for (const entry of this.all) {
      if (!entry.token) continue;
      const list = out.get(entry.token);
      if (list) list.push(entry);
      else out.set(entry.token, [entry]);
    }
    return out;
  }

  /** Ends every open subscription (that `which` picks) with `error`: schema change, shutdown. */
  failAll(reason: EndReason, error: () => GraphQLError, which: (entry: OpenSubscription) => boolean = () => true): void {
    for (const entry of [...this.all]) if (which(entry)) entry.stream.fail(reason, error());
  }
}
