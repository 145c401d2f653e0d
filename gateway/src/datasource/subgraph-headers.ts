import { SET_COOKIE_SEPARATOR } from './response-header-collector';

/**
 * The headers of one subgraph call, as the FetcherHeaders interface `willSendRequest` hooks expect
 * (`opts.request.http.headers.set(...)`), over a plain Map. Apollo's own data source uses
 * node-fetch's Headers and builds a node-fetch Request per call only to hand it to an error hook;
 * on the hot path that showed up in profiles, this does not.
 */
export class SubgraphHeaders implements Iterable<[string, string]> {
  private readonly map = new Map<string, string>();

  constructor(init?: Iterable<[string, string]>) {
    if (init) for (const [name, value] of init) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    // Set-Cookie values cannot be comma-joined (an Expires date holds a comma): one per line (response-header-collector.ts).
    this.map.set(key, existing === undefined ? value : `${existing}${key === 'set-cookie' ? SET_COOKIE_SEPARATOR : ', '}${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  /** A plain object, as undici takes it; insertion order is kept. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of this.map) out[name] = value;
    return out;
  }
}
