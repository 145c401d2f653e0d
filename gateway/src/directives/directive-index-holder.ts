import type { ApolloGateway } from '@apollo/gateway';
import type { Logger } from '../logger';
import { DirectiveIndex } from './directive-index';

/**
 * Keeps the DirectiveIndex of the schema being served: rebuilt from the core supergraph SDL on
 * every load and hot reload. A request reads `current` once, so a reload mid-request cannot mix
 * two schemas' rules.
 */
export class DirectiveIndexHolder {
  private index: DirectiveIndex = DirectiveIndex.fromSupergraphSdl('scalar _Empty');

  constructor(gateway: ApolloGateway, log: Logger) {
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
      this.index = DirectiveIndex.fromSupergraphSdl(coreSupergraphSdl);
      log.debug('directive index rebuilt');
    });
  }

  get current(): DirectiveIndex {
    return this.index;
  }
}
