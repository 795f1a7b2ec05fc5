import { escapeHtml } from '../graph/labels.ts';
import { formatP } from '../results/group-results.ts';
import type { JourneyResults } from '../results/schema.ts';
import { describePeriod } from './build.ts';
import { type JourneyCharts, journeyCharts } from './charts.ts';
import { counts, STEP_COLUMNS, stepRow } from './format.ts';
import type { JourneyReport, Report } from './model.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`;

/** Nothing is fetched: no script, no font, no image from anywhere but the page itself. */
const POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .75rem 0; } th, td { padding: .2rem .6rem; border-bottom: 1px solid #e4e4e4; }
th { text-align: left; background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.warning { background: #fff4ce; border-left: 4px solid #d8a200; padding: .4rem .8rem; margin: .3rem 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; } figure { margin: 0; } .diagram svg { max-width: 100%; height: auto; }
`;

function tableHtml(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((c) => (typeof c === 'number' ? `<td class="n">${fmt(c)}</td>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function stepsHtml(journey: JourneyReport): string {
  return tableHtml(STEP_COLUMNS, journey.steps.map(stepRow));
}

function sendsHtml(journey: JourneyReport): string {
  const rows = journey.steps.flatMap((s) =>
    s.sends.map((m) => [s.stepId, m.status, m.reason ?? '-', m.channel, m.messages] as const),
  );
  return rows.length === 0 ? '' : tableHtml(['step', 'outcome', 'reason', 'channel', 'messages'], rows);
}

function resultsHtml(results: JourneyResults): string {
  const rows = results.groups.map((g) => {
    const c = results.comparisons.find((x) => x.group === g.group);
    return [
      g.holdout ? `${g.group} (holdout)` : g.group,
      g.customers,
      g.sent,
      g.reached,
      pct(g.rate),
      g.interval ? `${pct(g.interval.low)} to ${pct(g.interval.high)}` : '-',
      c ? `${(100 * c.absolute.estimate).toFixed(1)} points` : '-',
      c?.relative ? `${(100 * c.relative.estimate).toFixed(0)}%` : '-',
      c ? `${formatP(c.pValue)} (${c.test})` : results.baseline === g.group ? 'baseline' : '-',
      g.revenuePerCustomer === null
        ? '-'
        : `${g.revenuePerCustomer.toFixed(2)}${results.currency ? ` ${results.currency}` : ''}`,
    ];
  });
  const ratio = results.sampleRatio;
  const check = ratio
    ? `<p>Sample ratio against the declared split: <b>${ratio.mismatch ? 'MISMATCH' : 'ok'}</b> (${escapeHtml(ratio.test)}, ${escapeHtml(formatP(ratio.pValue))}).</p>`
    : '';
  const warnings = results.warnings.map((w) => `<p class="warning">${escapeHtml(w.text)}</p>`).join('\n');
  return `<h3>Per customer, per group</h3>
${tableHtml(['group', 'customers', 'sent to', 'reached goal', 'rate', '95% interval', 'uplift', 'relative', 'p-value', 'revenue per customer'], rows)}
${check}
${warnings}`;
}

function journeyHtml(journey: JourneyReport, charts: JourneyCharts, diagram: string | null): string {
  const title = journey.name ? `${journey.journeyId} — ${journey.name}` : journey.journeyId;
  const figures = [charts.funnel, charts.rates, charts.sendsOverTime]
    .filter((svg): svg is string => svg !== null)
    .map((svg) => `<figure class="chart">${svg}</figure>`)
    .join('\n');
  return `<section class="journey" id="${escapeHtml(journey.journeyId)}">
<h2>${escapeHtml(title)}</h2>
<p>Entered ${fmt(journey.entered)} enrollment(s) of ${fmt(journey.customers)} customer(s); active ${fmt(journey.active)}; completed ${fmt(journey.completed)}.
Exited: ${escapeHtml(counts(journey.exited))}. Not entered: ${escapeHtml(counts(journey.notEntered))}.</p>
${diagram ? `<figure class="diagram">${diagram}</figure>` : `<p class="note">No diagram: the journeys folder has no journey ${escapeHtml(journey.journeyId)}.</p>`}
${stepsHtml(journey)}
${sendsHtml(journey)}
${journey.results ? resultsHtml(journey.results) : ''}
<div class="charts">
${figures}
</div>
</section>`;
}

/**
 * The report as one self-contained HTML page: tables, the charts as inline SVG (core/report/charts.ts), and
 * each journey's diagram (SVG, by journey id; null for none). It holds no script and loads nothing: its
 * Content-Security-Policy forbids any fetch. Deterministic: no clock, no I/O, the same page for the same report.
 * With `refreshSeconds` (the live page of `npm start -- --serve`) the browser asks for it again that often, by
 * a `<meta http-equiv="refresh">`: still no script.
 */
export async function reportHtml(
  report: Report,
  diagrams: Readonly<Record<string, string | null>>,
  options: { refreshSeconds?: number } = {},
): Promise<string> {
  const sections: string[] = [];
  for (const journey of report.journeys)
    sections.push(journeyHtml(journey, await journeyCharts(journey), diagrams[journey.journeyId] ?? null));
  const engine = report.source.engine === 'athena' ? 'Athena' : 'DuckDB';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${options.refreshSeconds}">\n`}<title>Cairn outcome report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Cairn outcome report</h1>
<p>From ${escapeHtml(report.source.location)} (${engine})${escapeHtml(describePeriod(report.period))}.</p>
${sections.length === 0 ? '<p>No journey has records in the log for this period.</p>' : sections.join('\n')}
</body>
</html>
`;
}
