import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES } from '@apollo/federation-internals';

/**
 * The `for: SECURITY` features Frontdoor enforces itself (auth/authorization.ts, before planning).
 *
 * Why this exists: composition keeps `@authenticated` / `@requiresScopes` in the supergraph and
 * marks their `@link`s `for: SECURITY`. `@apollo/gateway` refuses to load a supergraph with a
 * SECURITY feature it does not know ("feature … is for: SECURITY but is unsupported"), because a
 * gateway that silently ignored authorization rules would serve protected fields to anyone. Apollo
 * Router lists these two specs as supported; @apollo/gateway does not, since it never enforces
 * them. We do enforce them, so telling the gateway's feature check so is honest. Only these two
 * URLs are added: any other SECURITY feature still stops the load.
 */
export const ENFORCED_SECURITY_FEATURES = [
  'https://specs.apollo.dev/authenticated/v0.1',
  'https://specs.apollo.dev/requiresScopes/v0.1',
] as const;

/** Idempotent; must run before the gateway (or any Supergraph.build) reads a supergraph. */
export function registerEnforcedSecurityFeatures(): void {
  for (const url of ENFORCED_SECURITY_FEATURES) DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES.add(url);
}
