import type { GraphQLFormattedError } from 'graphql';
import type { StreamResult } from '../client-stream';

export const MULTIPART_CONTENT_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"';

/**
 * Apollo's multipart subscription protocol (PROTOCOLS.md): every part is followed at once by the
 * next delimiter (the client hands a part over only when it sees one), events are wrapped as
 * `{"payload": …}`, a heartbeat is a `{}` part, a transport-level error is `{"payload": null,
 * "errors": […]}`, and the body ends with `--graphql--`.
 */
export const multipartFormat = {
  contentType: MULTIPART_CONTENT_TYPE,
  open: '\r\n--graphql',
  event: (result: StreamResult): string => part({ payload: result }),
  heartbeat: (): string => part({}),
  error: (errors: readonly GraphQLFormattedError[]): string => part({ payload: null, errors }),
  close: '--\r\n',
};

function part(body: unknown): string {
  return `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify(body)}\r\n--graphql`;
}
