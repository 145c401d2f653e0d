import { createLogger } from '../../gateway/src/logger';
import { nextProbeDelayMs } from '../../gateway/src/resilience/breaker-timing';
import { BreakerRegistry } from '../../gateway/src/resilience/breakers';
import type { BreakerConfig } from '../../gateway/src/resilience/config';

const log = createLogger({ level: 'silent', pretty: false });
const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
const failed500 = () => Promise.reject(new Error('subgraph answered 503'));
const ok = () => Promise.resolve('ok');

const CONFIG: BreakerConfig = {
  errorThresholdPercent: 50,
  volumeThreshold: 20,
  windowMs: 10_000,
  connectionFailures: 5,
  firstProbeMs: 1000,
  resetMs: 10_000,
  openMakesNotReady: false,
};

async function fire(registry: BreakerRegistry, attempt: () => Promise<unknown>, times = 1): Promise<void> {
  for (let i = 0; i < times; i += 1) await registry.run('orders', attempt).catch(() => undefined);
}

describe('nextProbeDelayMs', () => {
  it('when a circuit has just opened, then the first probe comes after firstProbeMs', () => {
    expect(nextProbeDelayMs(0, 1000, 10_000)).toBe(1000);
  });

  it('when the outage goes on, then the wait is half its age so far, capped at the reset time', () => {
    expect(nextProbeDelayMs(1000, 1000, 10_000)).toBe(1000);
    expect(nextProbeDelayMs(3000, 1000, 10_000)).toBe(1500);
    expect(nextProbeDelayMs(60_000, 1000, 10_000)).toBe(10_000);
  });
});

describe('BreakerRegistry', () => {
  let registry: BreakerRegistry;
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    registry.shutdown();
    jest.useRealTimers();
  });

  it('when a few connections in a row are refused, then the circuit opens at once, below the volume threshold', async () => {
    registry = new BreakerRegistry(CONFIG, log);
    await fire(registry, ok, 50);

    await fire(registry, refused, 4);
    expect(registry.getBreakerStates().orders).toBe('closed');
    await fire(registry, refused, 1);

    expect(registry.getBreakerStates().orders).toBe('open');
  });

  it('when failures are not connection failures, then only the failure rate opens the circuit', async () => {
    registry = new BreakerRegistry(CONFIG, log);
    await fire(registry, ok, 50);
    await fire(registry, failed500, 10);
    expect(registry.getBreakerStates().orders).toBe('closed');
  });

  it('when CIRCUIT_BREAKER_CONNECTION_FAILURES is 0, then refused connections open it only through the rate', async () => {
    registry = new BreakerRegistry({ ...CONFIG, connectionFailures: 0 }, log);
    await fire(registry, ok, 50);
    await fire(registry, refused, 10);
    expect(registry.getBreakerStates().orders).toBe('closed');
  });

  it('when probes keep failing, then the first comes after firstProbeMs and later ones back off up to the reset time', async () => {
    registry = new BreakerRegistry(CONFIG, log);
    await fire(registry, refused, 5);
    const probeTimes: number[] = [];
    const startedAt = Date.now();
    // Walk the clock in 100 ms steps; each time the circuit half-opens, a probe is sent (and fails).
    for (let elapsed = 0; elapsed <= 40_000; elapsed += 100) {
      await jest.advanceTimersByTimeAsync(100);
      if (registry.getBreakerStates().orders === 'half-open') {
        probeTimes.push(Date.now() - startedAt);
        await fire(registry, refused);
      }
    }
    const gaps = probeTimes.map((t, i) => t - (probeTimes[i - 1] ?? 0));

    expect(gaps[0]).toBe(1000);
    // Probes at 1, 2, 3, 4.5, 6.8 s …: half the outage's age each time, then capped at 10 s (in 100 ms steps).
    for (let i = 1; i < gaps.length; i += 1) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(Math.max(...gaps)).toBe(10_000);
    expect(gaps.slice(0, 4)).toEqual([1000, 1000, 1000, 1500]);
  });

  it('when a probe succeeds, then the circuit closes and the next outage starts again from firstProbeMs', async () => {
    registry = new BreakerRegistry(CONFIG, log);
    await fire(registry, refused, 5);
    await jest.advanceTimersByTimeAsync(1000);
    await fire(registry, refused); // probe 1 fails → open for 1000 again
    await jest.advanceTimersByTimeAsync(1000);
    expect(registry.getBreakerStates().orders).toBe('half-open');
    await fire(registry, ok);
    expect(registry.getBreakerStates().orders).toBe('closed');

    await fire(registry, refused, 5);
    await jest.advanceTimersByTimeAsync(999);
    expect(registry.getBreakerStates().orders).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(registry.getBreakerStates().orders).toBe('half-open');
  });
});
