import { type Comparison, formatP, type GroupFigures, type JourneyResults } from './group-results.ts';
import type { Interval } from './statistics.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(digits)}`;
const range = (i: Interval | null) => (i ? `${pct(i.low)} to ${pct(i.high)}` : '-');

function groupLine(
  g: GroupFigures,
  width: number,
  comparison: Comparison | undefined,
  currency: string | null,
): string {
  const rate = g.rate === null ? '-' : `${pct(g.rate)} (${range(g.interval)})`;
  const parts = [
    `${g.group.padEnd(width)}  ${fmt(g.reached)}/${fmt(g.customers)} customers ${rate}`,
    `sent to ${fmt(g.sent)}`,
  ];
  if (g.revenuePerCustomer !== null)
    parts.push(`revenue per customer ${g.revenuePerCustomer.toFixed(2)}${currency ? ` ${currency}` : ''}`);
  if (comparison) {
    const { absolute, relative } = comparison;
    const points = absolute.interval
      ? `${signed(absolute.estimate)} points (${signed(absolute.interval.low)} to ${signed(absolute.interval.high)})`
      : `${signed(absolute.estimate)} points`;
    const ratio = relative
      ? `, ${signed(relative.estimate, 0)}% relative (${signed(relative.low, 0)}% to ${signed(relative.high, 0)}%)`
      : '';
    parts.push(
      `vs ${comparison.against} ${points}${ratio}, ${formatP(comparison.pValue)} (${comparison.test})`,
    );
  }
  return `    ${parts.join('; ')}`;
}

/** The lines of a journey's results: per customer, 95% intervals, uplift with p-values, the checks, warnings. */
export function formatResults(results: JourneyResults): string[] {
  // A journey nobody entered has nothing to report (its declared groups are all empty).
  if (results.groups.every((g) => g.customers === 0)) return [];
  const width = Math.max(...results.groups.map((g) => g.group.length));
  const lines = ['  goal per customer (95% interval):'];
  for (const g of results.groups)
    lines.push(
      groupLine(
        g,
        width,
        results.comparisons.find((c) => c.group === g.group),
        results.currency,
      ),
    );
  const ratio = results.sampleRatio;
  if (ratio) {
    const split = Object.entries(ratio.expectedPercent)
      .map(([group, percent]) => `${group} ${Number(percent.toFixed(2))}%`)
      .join(', ');
    lines.push(
      `  sample ratio vs declared ${split}: ${ratio.mismatch ? 'MISMATCH' : 'ok'} ` +
        `(${ratio.test}, chi-square ${ratio.statistic.toFixed(2)}, df ${ratio.degreesOfFreedom}, ${formatP(ratio.pValue)})`,
    );
  }
  for (const warning of results.warnings) lines.push(`  warning: ${warning.text}`);
  return lines;
}
