import type { Server } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
} from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from '../config';
import type { GatewayContext } from '../context';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import { authorizationRejectPlugin } from './authorization-reject';
import { requestLogPlugin } from './request-log';

export interface PluginDeps {
  httpServer: Server;
  directives: DirectiveIndexHolder;
}

/** The ordered plugin list: the only place plugin order is decided. */
export function buildPlugins(config: Config, deps: PluginDeps): ApolloServerPlugin<GatewayContext>[] {
  const plugins: Array<ApolloServerPlugin<GatewayContext> | false> = [
    ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer, stopGracePeriodMillis: config.http.shutdownGraceMs }),
    // Nothing leaves the machine for Apollo's hosted services, even if APOLLO_KEY happens to be set.
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    config.graphql.sandbox
      ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
      : ApolloServerPluginLandingPageDisabled(),
    // Authorization before any limit: a refused operation costs nothing further.
    config.auth.authorizationMode === 'reject' && authorizationRejectPlugin({ directives: deps.directives }),
    requestLogPlugin(),
  ];
  return plugins.filter((p): p is ApolloServerPlugin<GatewayContext> => p !== false);
}
