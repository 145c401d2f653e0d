import type { HeaderConflictRule } from './response-header-config';

/** What the collector reads from a subgraph response (our SubgraphHeaders, or any FetcherHeaders). */
interface ReadableHeaders {
  get(name: string): string | null;
}

/**
 * `set-cookie` travels inside the gateway as one value per line: its values cannot be comma-joined
 * (an `Expires` date holds a comma), and a newline can never be part of a header value. The HTTP
 * layer writes each line as its own `set-cookie` field.
 */
export const SET_COOKIE_SEPARATOR = '\n';

/**
 * Collects the allow-listed headers of every subgraph response of one operation, keyed by the
 * operation's context object (STYLE.md: per-request state on the context or a WeakMap keyed by
 * it), and merges repeats by the configured rule. Pure: no Apollo, no I/O.
 */
export class ResponseHeaderCollector {
  private readonly byContext = new WeakMap<object, Map<string, string[]>>();

  constructor(private readonly conflict: HeaderConflictRule) {}

  /** Copies `names` from one subgraph response; true when it carried a `set-cookie` (the caller then makes the response uncacheable). */
  collect(context: object, headers: ReadableHeaders, names: readonly string[]): boolean {
    let setCookie = false;
    for (const name of names) {
      const value = headers.get(name);
      if (value === null) continue;
      let collected = this.byContext.get(context);
      if (!collected) {
        collected = new Map();
        this.byContext.set(context, collected);
      }
      if (name === 'set-cookie') setCookie = true;
      merge(collected, name, value, name === 'set-cookie' ? 'append' : this.conflict);
    }
    return setCookie;
  }

  /** The headers to set on the client response (and forgets them), or undefined when none were collected. */
  take(context: object): Array<[string, string]> | undefined {
    const collected = this.byContext.get(context);
    if (!collected) return undefined;
    this.byContext.delete(context);
    return [...collected].map(([name, values]) => [name, values.join(name === 'set-cookie' ? SET_COOKIE_SEPARATOR : ', ')]);
  }
}

function merge(collected: Map<string, string[]>, name: string, value: string, rule: HeaderConflictRule): void {
  const existing = collected.get(name);
  if (!existing || rule === 'last') collected.set(name, [value]);
  else if (rule === 'append') existing.push(value);
  // 'first': the value already collected stays.
}
