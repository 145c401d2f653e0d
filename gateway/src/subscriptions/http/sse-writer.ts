import type { GraphQLFormattedError } from 'graphql';
import type { StreamResult } from '../client-stream';

/**
 * GraphQL over SSE, distinct connections mode (graphql-sse): each result is `event: next`, the
 * stream always ends with `event: complete` (else the client reports "connection closed while
 * having active streams"), errors that end it are a last `next` carrying them, and keep-alives are
 * comment lines (unknown event names would be fatal to the client).
 */
export const sseFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  open: ':\n\n',
  event: (result: StreamResult): string => `event: next\ndata: ${JSON.stringify(result)}\n\n`,
  heartbeat: (): string => ':\n\n',
  error: (errors: readonly GraphQLFormattedError[]): string => `event: next\ndata: ${JSON.stringify({ errors })}\n\n`,
  close: 'event: complete\ndata:\n\n',
};
