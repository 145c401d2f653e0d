import { loadConfig } from '../../gateway/src/config';
import { createLogger } from '../../gateway/src/logger';
import { startGateway, type GatewayHandle } from '../../gateway/src/server';
import { postGraphQL, testRedisUrl, type GraphQLResult, type Stack } from './stack';

export interface ExtraGateway {
  gateway: GatewayHandle;
  post(body: unknown, headers?: Record<string, string>): Promise<GraphQLResult>;
  stop(): Promise<void>;
}

/**
 * Another gateway instance in front of the SAME subgraphs as `stack` and the same Redis key
 * prefix: what a second replica behind a load balancer is. Data changed through one instance is
 * what the other instance's subgraphs return.
 */
export async function startSecondGateway(stack: Stack, keyPrefix: string, env: Record<string, string> = {}): Promise<ExtraGateway> {
  const urlEnv: Record<string, string> = {};
  for (const [name, handle] of Object.entries(stack.subgraphs)) {
    if (handle) urlEnv[`SUBGRAPH_URL_${name.toUpperCase()}`] = handle.url;
  }
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SUPERGRAPH_WATCH: 'false',
    SHUTDOWN_GRACE_MS: '2000',
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: keyPrefix,
    ...urlEnv,
    ...env,
  });
  const gateway = await startGateway(config, { log: createLogger(config.log) });
  return { gateway, post: (body, headers) => postGraphQL(gateway.url, body, headers), stop: () => gateway.stop() };
}
