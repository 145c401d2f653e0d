import { resolveRequestId } from '../../gateway/src/http/request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it('when the inbound id is well-formed, then it is kept', () => {
    expect(resolveRequestId('abc-123_x.y:z')).toBe('abc-123_x.y:z');
  });

  it('when there is no inbound id, then a UUID is generated', () => {
    expect(resolveRequestId(undefined)).toMatch(UUID);
  });

  it.each([['with spaces'], ['line\nbreak'], ['x'.repeat(129)], ['']])('when the inbound id is %j, then it is replaced', (bad) => {
    expect(resolveRequestId(bad)).toMatch(UUID);
  });
});
