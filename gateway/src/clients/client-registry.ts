import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../auth/principal';
import type { ClientPolicy, ClientsConfig } from './client-config';

/** Apollo's client-awareness headers (Apollo Client, Router and Studio use the same names). */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';

/** Longest name or version kept for the log line: a client must not be able to write kilobytes into it. */
const MAX_LOGGED_LENGTH = 64;

/** Who the client says (or its token proves) it is, and the policy that applies. */
export interface ClientIdentity {
  /** The token claim, else the header; null when neither is sent. Truncated; for logs only. */
  readonly name: string | null;
  /** The `apollographql-client-version` header, truncated; for logs only. */
  readonly version: string | null;
  readonly policy: ClientPolicy;
}

/**
 * Maps a request to its client policy with one Map lookup. Rule: the token claim (authenticated)
 * wins over the header (anyone can send one); a policy with `requireToken` is selected by the
 * claim only, so a header naming it gets the default policy.
 */
export class ClientRegistry {
  private readonly byName: ReadonlyMap<string, ClientPolicy>;
  readonly default: ClientPolicy;
  /** Shared by every request that names no client: no allocation on the common path. */
  readonly unidentified: ClientIdentity;

  constructor(config: ClientsConfig) {
    this.byName = new Map(config.policies.map((p) => [p.name, p]));
    this.default = config.default;
    this.unidentified = Object.freeze({ name: null, version: null, policy: config.default });
  }

  /** Every policy, the default first (limits build their stores per policy from it). */
  get policies(): readonly ClientPolicy[] {
    return [this.default, ...this.byName.values()];
  }

  /** Whether some policy allows introspection: Apollo Server must then let it through validation. */
  get anyAllowsIntrospection(): boolean {
    return this.policies.some((p) => p.introspection);
  }

  /**
   * Whether some policy needs the per-operation checks (persisted only, or no introspection while
   * Apollo Server allows it): without one, the check plugin is left out of the request path.
   */
  get needsOperationChecks(): boolean {
    const introspectionOn = this.anyAllowsIntrospection;
    return this.policies.some((p) => p.operations === 'persisted' || (introspectionOn && !p.introspection));
  }

  identify(headers: IncomingHttpHeaders, principal: Principal): ClientIdentity {
    const claimed = principal.client;
    const header = headerValue(headers[CLIENT_NAME_HEADER]);
    const version = headerValue(headers[CLIENT_VERSION_HEADER]);
    if (claimed !== undefined) {
      return { name: truncate(claimed), version: truncate(version), policy: this.byName.get(claimed) ?? this.default };
    }
    if (header === null && version === null) return this.unidentified;
    const named = header === null ? undefined : this.byName.get(header);
    return { name: truncate(header), version: truncate(version), policy: named && !named.requireToken ? named : this.default };
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? null : v;
}

function truncate(value: string | null): string | null {
  return value !== null && value.length > MAX_LOGGED_LENGTH ? value.slice(0, MAX_LOGGED_LENGTH) : value;
}
