import { formatResults } from '../results/format.ts';
import { describePeriod } from './build.ts';
import type { JourneyReport, Report, StepReport } from './model.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/** `a 3, b 1`, largest first; `-` for none. */
export function counts(counter: Record<string, number>): string {
  const entries = Object.entries(counter).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** Columns left-aligned for text, right-aligned for numbers, two spaces apart. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? fmt(cell) : cell)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)];
}

/** The messages of a step with a final status, and the feedback messages of a status. */
export const sent = (step: StepReport, status = 'SENT') =>
  sum(step.sends.filter((s) => s.status === status).map((s) => s.messages));
export const notSent = (step: StepReport) =>
  sum(step.sends.filter((s) => s.status !== 'SENT').map((s) => s.messages));
export const feedback = (step: StepReport, status: string) =>
  sum(step.feedback.filter((f) => f.status === status).map((f) => f.messages));

export const FEEDBACK_COLUMNS = ['delivered', 'opened', 'clicked', 'bounced', 'unsubscribed'] as const;

/** The step table's columns, for the terminal and the HTML page. */
export const STEP_COLUMNS = [
  'step',
  'type',
  'entered',
  'active',
  'exited',
  'sent',
  'not sent',
  'held',
  'withheld',
  ...FEEDBACK_COLUMNS,
] as const;

/** A step's row of the step table, in the order of STEP_COLUMNS. */
export function stepRow(s: StepReport): (string | number)[] {
  return [
    s.stepId,
    s.type ?? '?',
    s.entered,
    s.active,
    sum(Object.values(s.exited)),
    sent(s),
    notSent(s),
    sum(Object.values(s.held)),
    sum(Object.values(s.withheld)),
    ...FEEDBACK_COLUMNS.map((status) => feedback(s, status)),
  ];
}

function stepTable(journey: JourneyReport): string[] {
  return table(STEP_COLUMNS, journey.steps.map(stepRow)).map((l) => `  ${l}`);
}

/** Per step: what its messages came to, by status, reason and channel; its exits and holds by reason. */
function stepDetails(journey: JourneyReport): string[] {
  const lines: string[] = [];
  for (const step of journey.steps) {
    const parts: string[] = [];
    if (step.sends.length > 0)
      parts.push(
        `sends ${step.sends.map((s) => `${s.status}${s.reason && s.reason !== s.status.toLowerCase() ? `:${s.reason}` : ''} ${s.channel} ${fmt(s.messages)}`).join(', ')}`,
      );
    if (Object.keys(step.exited).length > 0) parts.push(`exited ${counts(step.exited)}`);
    if (Object.keys(step.held).length > 0) parts.push(`held ${counts(step.held)}`);
    if (Object.keys(step.withheld).length > 0) parts.push(`withheld ${counts(step.withheld)}`);
    const other = step.feedback.filter((f) => !(FEEDBACK_COLUMNS as readonly string[]).includes(f.status));
    if (other.length > 0)
      parts.push(`feedback ${other.map((f) => `${f.status} ${f.channel} ${fmt(f.messages)}`).join(', ')}`);
    if (parts.length > 0) lines.push(`  ${step.stepId}: ${parts.join('; ')}`);
  }
  return lines;
}

function formatJourney(journey: JourneyReport): string[] {
  const title = journey.name ? `${journey.journeyId} (${journey.name})` : journey.journeyId;
  const lines = [
    title,
    `  entered ${fmt(journey.entered)} enrollment(s) of ${fmt(journey.customers)} customer(s); active ${fmt(journey.active)}; completed ${fmt(journey.completed)}`,
    `  exited       ${counts(journey.exited)}`,
    `  not entered  ${counts(journey.notEntered)}`,
  ];
  if (journey.steps.length > 0) lines.push(...stepTable(journey), ...stepDetails(journey));
  if (journey.results) lines.push(...formatResults(journey.results));
  return lines;
}

/** The report as the terminal shows it: per journey, a line of totals, a table of steps, the results. */
export function formatReport(report: Report): string[] {
  const engine = report.source.engine === 'athena' ? 'Athena' : 'DuckDB';
  const lines = [
    `Outcome report of ${report.source.location} (${engine})${describePeriod(report.period)}`,
    '',
  ];
  if (report.journeys.length === 0) lines.push('No journey has records in the log for this period.');
  for (const journey of report.journeys) lines.push(...formatJourney(journey), '');
  return lines;
}
