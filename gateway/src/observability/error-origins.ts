import type { Logger } from '../logger';

/**
 * Which request an error belongs to, so the `masked error` line that formatError writes carries
 * that request's id. Apollo Server calls `formatError(formatted, original)` without the request,
 * but hands the same error objects to the request's `didEncounterErrors` (and we see context
 * failures ourselves) first: those remember the request's logger here, keyed by the error object,
 * so nothing outlives the error.
 */
export class ErrorOrigins {
  private readonly logs = new WeakMap<object, Logger>();

  remember(errors: readonly unknown[], log: Logger): void {
    for (const error of errors) if (typeof error === 'object' && error !== null) this.logs.set(error, log);
  }

  /** The request's logger; Apollo Server wraps context failures in a GraphQLError whose `originalError` is ours. */
  logFor(error: unknown): Logger | undefined {
    if (typeof error !== 'object' || error === null) return undefined;
    const own = this.logs.get(error);
    if (own) return own;
    const original = (error as { originalError?: unknown }).originalError;
    return typeof original === 'object' && original !== null ? this.logs.get(original) : undefined;
  }
}
