import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';

/**
 * The identity of the schema being served: the sha256 of the core supergraph SDL, updated on every
 * load and hot reload (the gateway calls its listeners synchronously while swapping schemas). Plan
 * and response cache keys include it, so a reloaded schema never meets entries of the old one.
 */
export class SupergraphIdentity {
  private current = '';

  /** Separate from construction: the plan cache needs the identity before the gateway exists. */
  follow(gateway: ApolloGateway): void {
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => this.update(coreSupergraphSdl));
  }

  update(coreSupergraphSdl: string): void {
    this.current = createHash('sha256').update(coreSupergraphSdl).digest('hex').slice(0, 32);
  }

  /** Empty until the first schema is loaded (no request is served before that). */
  get hash(): string {
    return this.current;
  }
}
