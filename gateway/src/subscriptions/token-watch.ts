import type { VerifiedToken } from '../auth/jwt';
import { gatewayError } from '../errors';
import type { Logger } from '../logger';
import type { SubscriptionRegistry } from './subscription-registry';

export interface TokenWatchOptions {
  registry: SubscriptionRegistry;
  /** The shared revocation list (POST /auth/logout on any instance): auth/revocation.ts. */
  isRevoked(token: VerifiedToken): Promise<boolean>;
  /** AUTH_REVOCATION_FAIL_OPEN: whether a failing revocation store lets subscriptions go on. */
  revocationFailOpen: boolean;
  /** A token is accepted until its exp plus this, in ms (AUTH_CLOCK_TOLERANCE_S), like on every request. */
  clockToleranceMs: number;
  /** SUBSCRIPTION_AUTH_RECHECK_MS. */
  intervalMs: number;
  log: Logger;
}

/**
 * A subscription outlives the moment its token was checked. Every `intervalMs` each distinct token
 * of an open subscription is checked again, once: past its expiry, or revoked on any instance,
 * every subscription started with it ends with UNAUTHENTICATED. One store lookup per token per
 * interval, whatever the number of subscriptions sharing it.
 */
export class TokenWatch {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly opts: TokenWatchOptions) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass (also what the timer runs); a pass still running makes the next one skip. */
  async check(nowMs: number = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all(
        [...this.opts.registry.byToken()].map(async ([token, entries]) => {
          const reason = await this.problem(token, nowMs);
          if (!reason) return;
          this.opts.log.info({ principalId: token.principal.id, reason, subscriptions: entries.length }, 'subscriptions ended: token no longer valid');
          for (const entry of entries) entry.stream.fail('unauthenticated', gatewayError('UNAUTHENTICATED'));
        }),
      );
    } finally {
      this.running = false;
    }
  }

  private async problem(token: VerifiedToken, nowMs: number): Promise<'expired' | 'revoked' | null> {
    if (nowMs >= token.expiresAtMs + this.opts.clockToleranceMs) return 'expired';
    try {
      return (await this.opts.isRevoked(token)) ? 'revoked' : null;
    } catch (err) {
      this.opts.log.warn({ err: String(err) }, 'revocation check failed for open subscriptions');
      return this.opts.revocationFailOpen ? null : 'revoked';
    }
  }
}
