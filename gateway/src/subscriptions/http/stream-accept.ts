import type { SubscriptionProtocol } from '../subscription-slot';

/** What an `Accept` header allows for a subscription. */
export interface StreamingAccept {
  /** The first streaming type the header lists. */
  protocol: Exclude<SubscriptionProtocol, 'ws'>;
  /** A JSON type (or any type) is listed too: a query or mutation then gets its plain JSON answer. */
  acceptsJson: boolean;
}

const JSON_TYPES = new Set(['application/json', 'application/graphql-response+json', 'application/graphql+json', '*/*', 'application/*']);

/**
 * Reads `Accept` for the subscription doors: `multipart` for Apollo Client's
 * `multipart/mixed;subscriptionSpec="1.0"` (parameter values quoted or not), `sse` for
 * `text/event-stream` (graphql-sse, urql), whichever the header lists first; undefined when it lists
 * neither. Pure.
 */
export function streamingAccept(accept: string | undefined): StreamingAccept | undefined {
  if (!accept) return undefined;
  let protocol: StreamingAccept['protocol'] | undefined;
  let acceptsJson = false;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    const mediaType = type.toLowerCase();
    if (JSON_TYPES.has(mediaType)) acceptsJson = true;
    if (protocol) continue;
    if (mediaType === 'text/event-stream') protocol = 'sse';
    else if (mediaType === 'multipart/mixed' && params.some(isSubscriptionSpec)) protocol = 'multipart';
  }
  return protocol ? { protocol, acceptsJson } : undefined;
}

function isSubscriptionSpec(param: string): boolean {
  const [name = '', value = ''] = param.split('=').map((p) => p.trim());
  return name.toLowerCase() === 'subscriptionspec' && value.replace(/^"|"$/g, '') === '1.0';
}
