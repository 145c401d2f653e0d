import { backoffDelayMs, parseRetryAfterMs } from '../../gateway/src/resilience/backoff';
import { RetryBudget } from '../../gateway/src/resilience/retry-budget';

describe('backoffDelayMs', () => {
  it('when the random draw is at its top, then the delay doubles per retry up to the cap', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, 25, 300, top))).toEqual([25, 50, 100, 200, 300, 300]);
  });

  it('when the random draw is at its bottom, then the delay is 0 (full jitter)', () => {
    expect(backoffDelayMs(3, 25, 300, () => 0)).toBe(0);
  });
});

describe('parseRetryAfterMs', () => {
  it('when given delay-seconds, then it returns milliseconds', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
  });

  it('when given an HTTP date, then it returns the time until it (never negative)', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('when absent or unreadable, then undefined', () => {
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});

describe('RetryBudget', () => {
  it('when retries reach the ratio of requests in the window, then further retries are refused', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minPerWindow: 0, windowMs: 1000, now: () => now });
    for (let i = 0; i < 10; i += 1) budget.recordRequest();

    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
  });

  it('when traffic is low, then the floor still allows a few retries', () => {
    const budget = new RetryBudget({ ratio: 0.2, minPerWindow: 2, windowMs: 1000, now: () => 0 });
    budget.recordRequest();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
  });

  it('when the window has passed, then old retries no longer count', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0, minPerWindow: 1, windowMs: 1000, now: () => now });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    now = 1500;
    expect(budget.tryRetry()).toBe(true);
  });
});
