import type { SubscriptionProtocol } from '../subscription-slot';

/**
 * Which streaming answer an `Accept` header asks for: `multipart` for Apollo Client's
 * `multipart/mixed;subscriptionSpec="1.0"` (parameter values quoted or not), `sse` for
 * `text/event-stream` (graphql-sse), undefined for anything else. Pure.
 */
export function streamingProtocol(accept: string | undefined): Exclude<SubscriptionProtocol, 'ws'> | undefined {
  if (!accept) return undefined;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    const mediaType = type.toLowerCase();
    if (mediaType === 'text/event-stream') return 'sse';
    if (mediaType !== 'multipart/mixed') continue;
    for (const param of params) {
      const [name = '', value = ''] = param.split('=').map((p) => p.trim());
      if (name.toLowerCase() === 'subscriptionspec' && value.replace(/^"|"$/g, '') === '1.0') return 'multipart';
    }
  }
  return undefined;
}
