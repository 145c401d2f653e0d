/**
 * The subscription benchmark's printout (bench/subscriptions.ts): one block per gateway, then the
 * CPU-per-event ratio, which is printed only when both gateways delivered (almost) everything: a
 * gateway that drops events does less work per event and would look cheaper than it is.
 */
import type { SubscriptionMeasurement } from './subscription-load';

/** Above this share of the expected deliveries lost, a gateway's figures are not compared. */
export const MAX_LOST_SHARE = 0.001;

export interface SubscriptionSetup {
  subscriptions: number;
  connections: number;
  callers: number;
  selection: string;
  ratePerSecond: number;
  seconds: number;
}

/** One gateway's outcome: its measurement, or the one-line reason it could not serve the subscription. */
export interface SubscriptionRun {
  /** `frontdoor` or `hive-gateway`: the names in the ratio line. */
  key: string;
  label: string;
  outcome: { measured: SubscriptionMeasurement } | { failed: string };
}

export function cpuPerEventUs(m: SubscriptionMeasurement): number {
  return (m.gatewayCpuMs * 1000) / Math.max(1, m.delivered);
}

const percent = (part: number, whole: number): string => `${((part / Math.max(1, whole)) * 100).toFixed(3)} %`;

function rowsOf(m: SubscriptionMeasurement, subscriptions: number): Array<[string, string]> {
  return [
    ['subscriptions live after warm-up', `${m.live} / ${subscriptions}`],
    ['delivered / expected', `${m.delivered} / ${m.expected} (${percent(m.delivered, m.expected)})`],
    ['lost events', `${m.lost} (${percent(m.lost, m.expected)})`],
    ['subscription errors', m.errors === 0 ? '0' : `${m.errors} (first: ${m.firstError ?? ''})`],
    ['delivery latency p50', `${m.latencyP50Ms} ms`],
    ['delivery latency p99', `${m.latencyP99Ms} ms`],
    ['gateway CPU per delivered event', `${cpuPerEventUs(m).toFixed(1)} µs`],
    ['CPU: gateway / subgraphs / clients', [m.gatewayCpuMs, m.subgraphCpuMs, m.clientCpuMs].map((ms) => `${((ms / m.elapsedMs) * 100).toFixed(0)} %`).join(' / ') + ' of one core'],
    ['gateway RSS before / with subscriptions', `${m.rssBeforeMb} MB / ${m.rssOpenMb} MB`],
    ['RSS per open subscription', `${(((m.rssOpenMb - m.rssBeforeMb) * 1024) / subscriptions).toFixed(1)} KB`],
  ];
}

/** Why a run's figures cannot be compared, or undefined when they can. */
function invalidity(run: SubscriptionRun): string | undefined {
  if ('failed' in run.outcome) return `${run.key} could not serve the subscription`;
  const m = run.outcome.measured;
  if (m.lost > m.expected * MAX_LOST_SHARE) return `${run.key} lost ${percent(m.lost, m.expected)} of the expected deliveries, over ${MAX_LOST_SHARE * 100} %`;
  return undefined;
}

/** The ratio line: Frontdoor's gateway CPU per delivered event over Hive Gateway's. */
function ratioLine(runs: readonly SubscriptionRun[]): string {
  const head = 'frontdoor/hive-gateway subscription CPU per event ratio:';
  const frontdoor = runs.find((r) => r.key === 'frontdoor');
  const hive = runs.find((r) => r.key === 'hive-gateway');
  if (!frontdoor || !hive) return `${head} not computed (only ${runs.map((r) => r.key).join(', ')} ran; BENCH_SUB_GATEWAYS)`;
  const reasons = [frontdoor, hive].map(invalidity).filter((r): r is string => r !== undefined);
  if (reasons.length > 0) return `${head} INVALID (${reasons.join('; ')})`;
  if (!('measured' in frontdoor.outcome) || !('measured' in hive.outcome)) return `${head} INVALID`;
  const ratio = cpuPerEventUs(frontdoor.outcome.measured) / cpuPerEventUs(hive.outcome.measured);
  return `${head} ${ratio.toFixed(2)} (Frontdoor's CPU per delivered event ÷ Hive Gateway's: below 1 = Frontdoor spends less CPU per event)`;
}

export function formatSubscriptionReport(setup: SubscriptionSetup, runs: readonly SubscriptionRun[]): string {
  const lines = [
    '',
    `Subscriptions: ${setup.subscriptions} (${setup.connections} graphql-ws connections, ${setup.callers} callers), ${setup.selection},`,
    `  ${setup.ratePerSecond}/s for ${setup.seconds} s (${setup.ratePerSecond * setup.seconds} events); one gateway process at a time, the same subgraphs process`,
    '  and clients for each, on a 2-core machine shared with the subgraphs and the clients',
  ];
  for (const run of runs) {
    lines.push('', run.label);
    if ('failed' in run.outcome) {
      lines.push(`  could not serve this subscription: ${run.outcome.failed}`);
      continue;
    }
    const rows = rowsOf(run.outcome.measured, setup.subscriptions);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) lines.push(`  ${k.padEnd(width)}  ${v}`);
  }
  lines.push('', ratioLine(runs));
  return `${lines.join('\n')}\n`;
}
