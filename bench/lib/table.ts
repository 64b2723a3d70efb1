/** Plain-text and Markdown tables of the results. */
import type { ScenarioResult } from './types.ts';

export interface Row {
  id: string;
  title: string;
  result: ScenarioResult | null;
  error?: string;
}

const HEADERS = ['', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'ok', 'failed', 'proc CPU %', 'pg CPU %', 'machine CPU %', 'peak RSS MB'];

const num = (v: number | undefined, digits = 0) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function cells(row: Row): string[] {
  const r = row.result;
  if (r === null) return [row.id, row.title, `FAILED: ${row.error ?? ''}`.slice(0, 60), '', '', '', '', '', '', '', ''];
  return [
    row.id,
    row.title,
    num(r.rps),
    num(r.p50Ms, 1),
    num(r.p99Ms, 1),
    String(r.ok),
    String(r.failed),
    num(r.cpuPct),
    num(r.dbCpuPct),
    num(r.machineCpuPct),
    num(r.peakRssMb),
  ];
}

export function textTable(rows: Row[]): string {
  const all = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const align = HEADERS.map((_, i) => (i < 2 ? '---' : '---:'));
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(HEADERS), line(align), ...rows.map((r) => line(cells(r)))].join('\n');
}
