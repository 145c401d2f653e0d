import { GraphQLError } from 'graphql';
import { ClientStream, type EndReason } from '../../gateway/src/subscriptions/client-stream';
import { streamingAccept } from '../../gateway/src/subscriptions/http/stream-accept';

describe('streamingAccept', () => {
  it.each([
    ['multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json', { protocol: 'multipart', acceptsJson: true }],
    ['multipart/mixed;subscriptionSpec=1.0', { protocol: 'multipart', acceptsJson: false }],
    ['application/json, multipart/mixed; subscriptionSpec="1.0"', { protocol: 'multipart', acceptsJson: true }],
    ['text/event-stream', { protocol: 'sse', acceptsJson: false }],
    // urql: JSON first, then both streaming types (the first listed wins for a subscription).
    ['application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed', { protocol: 'sse', acceptsJson: true }],
    ['multipart/mixed;deferSpec=20220824,application/json', undefined],
    ['application/json', undefined],
    [undefined, undefined],
  ])('when Accept is %s, then it streams as %j', (accept, expected) => {
    expect(streamingAccept(accept)).toEqual(expected);
  });
});

describe('ClientStream', () => {
  function stream(maxBacklog = 2) {
    const ends: Array<{ reason: EndReason; events: number; code: unknown }> = [];
    const s = new ClientStream(maxBacklog, (reason, events, error) => ends.push({ reason, events, code: error?.extensions.code }));
    return { s, ends };
  }

  it('when events are delivered out of a reserve, then the reader gets them in order and then the end', async () => {
    // Arrange
    const { s, ends } = stream();
    s.reserve();
    s.deliver({ data: { n: 1 } });
    s.reserve();
    s.deliver({ data: { n: 2 } });

    // Act
    s.complete();
    const read = [await s.next(), await s.next(), await s.next()];

    // Assert
    expect(read.map((r) => r.value?.data)).toEqual([{ n: 1 }, { n: 2 }, undefined]);
    expect(ends).toEqual([{ reason: 'complete', events: 2, code: undefined }]);
  });

  it('when more events wait than the backlog allows, then the stream fails with SUBSCRIPTION_BACKLOG_EXCEEDED and drops them', async () => {
    // Arrange
    const { s, ends } = stream(2);
    s.reserve();
    s.deliver({ data: { n: 1 } });
    s.reserve();
    s.deliver({ data: { n: 2 } });

    // Act
    const accepted = s.reserve();

    // Assert
    expect(accepted).toBe(false);
    await expect(s.next()).rejects.toMatchObject({ extensions: { code: 'SUBSCRIPTION_BACKLOG_EXCEEDED' } });
    expect((await s.next()).done).toBe(true);
    expect(ends).toEqual([{ reason: 'backlog', events: 0, code: 'SUBSCRIPTION_BACKLOG_EXCEEDED' }]);
  });

  it('when the reader is waiting and the stream fails, then the waiting read rejects with the error', async () => {
    const { s } = stream();
    const pending = s.next();
    s.fail('subgraph_unavailable', new GraphQLError('gone', { extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }));
    await expect(pending).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
  });

  it('when the reader leaves while waiting, then its read ends and the end is reported once as client', async () => {
    const { s, ends } = stream();
    const pending = s.next();
    await s.return();
    s.complete();
    expect((await pending).done).toBe(true);
    expect(ends.map((e) => e.reason)).toEqual(['client']);
  });

  it('when completion is asked while an event is still being enriched, then the end waits for that event', async () => {
    const { s, ends } = stream();
    s.reserve();
    s.complete();
    expect(ends).toEqual([]);
    s.deliver({ data: { late: true } });
    expect((await s.next()).value?.data).toEqual({ late: true });
    expect((await s.next()).done).toBe(true);
    expect(ends.map((e) => e.reason)).toEqual(['complete']);
  });
});
