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
import type { Limits } from '../limits/limits';
import { limitsPlugin } from './limits';
import { requestLogPlugin } from './request-log';

export interface PluginDeps {
  httpServer: Server;
  /** Rate limits, cost and budgets (issue #4). */
  limits: Limits;
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
    requestLogPlugin(),
    limitsPlugin({ limits: deps.limits, directives: deps.directives }),
  ];
  return plugins.filter((p): p is ApolloServerPlugin<GatewayContext> => p !== false);
}
