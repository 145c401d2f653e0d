import { cpus, totalmem } from 'node:os';
import type { Row, ScenarioResult } from './scenario';

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits);
}

function row(r: Row): string {
  const bad = r.bad;
  const checked = r.answers === undefined ? '' : String(r.answers);
  const kinds = bad ? `${bad.non200} / ${bad.errors} / ${bad.wrongData} / ${bad.failed}` : '';
  const valid = r.valid === undefined ? '' : r.valid ? 'yes' : `**NO** (worst round ${fmt(r.worstRoundBadPct, 2)} % bad)`;
  return `| ${r.scenario} | ${r.target} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.rssMb ?? ''} | ${fmt(r.cpuMsPerRequest, 2)} | ${checked} | ${kinds} | ${valid} | ${r.note ?? ''} |`;
}

/** The one table `npm run bench` prints: a header naming the machine, each scenario's conditions, the rows, the ratios. */
export function printReport(results: readonly ScenarioResult[], elapsedS: number): void {
  const cpu = cpus();
  const lines = [
    '',
    `Frontdoor benchmark: ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}`,
    ...results.flatMap((r) => r.conditions),
    '',
    '| Scenario | Target | req/s | p50 ms | p99 ms | peak RSS MB | CPU ms/req | answers checked | bad: non-200 / errors / null-or-wrong / none | valid | Note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---|---|',
    ...results.flatMap((r) => r.rows.map(row)),
    '',
    ...results.flatMap((r) => r.lines),
    `bench finished in ${Math.round(elapsedS)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
