import { classifyFetchFailure } from '../../gateway/src/datasource/fetch-failure';
import { NO_REPLICA_CODE } from '../../gateway/src/routing/replica-set';

describe('classifyFetchFailure', () => {
  it('when the connection is refused, then the subgraph is unavailable', () => {
    expect(classifyFetchFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe('unavailable');
  });

  it('when every replica of the subgraph is out, then the subgraph is unavailable', () => {
    expect(classifyFetchFailure(Object.assign(new Error('every replica of users is down'), { code: NO_REPLICA_CODE })).kind).toBe('unavailable');
  });

  it('when the refusal is wrapped as a cause, then it is still unavailable', () => {
    const inner = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(classifyFetchFailure(new Error('fetch failed', { cause: inner })).kind).toBe('unavailable');
  });

  it('when the deadline signal fires or undici times out, then it is a timeout', () => {
    expect(classifyFetchFailure(new DOMException('The operation timed out', 'TimeoutError')).kind).toBe('timeout');
    expect(classifyFetchFailure(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).kind).toBe('timeout');
  });

  it('when the subgraph answers 5xx, then it is unavailable; 401 and 403 keep their meaning', () => {
    const http = (status: number) => Object.assign(new Error(`${status}`), { extensions: { response: { status } } });
    expect(classifyFetchFailure(http(503)).kind).toBe('unavailable');
    expect(classifyFetchFailure(http(401))).toMatchObject({ kind: 'rejected', code: 'UNAUTHENTICATED' });
    expect(classifyFetchFailure(http(403))).toMatchObject({ kind: 'rejected', code: 'FORBIDDEN' });
    expect(classifyFetchFailure(http(400)).kind).toBe('unknown');
  });
});
