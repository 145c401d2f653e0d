import type { GatewayHandle } from '../../gateway/src/server';
import { postGraphQL, startExtraGateway, testRedisUrl, type GraphQLResult, type Stack } from './stack';

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
  const gateway = await startExtraGateway(stack, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix, ...env });
  return { gateway, post: (body, headers) => postGraphQL(gateway.url, body, headers), stop: () => gateway.stop() };
}
