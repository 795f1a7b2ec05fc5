import type * as z from 'zod';
import type { Journey } from '../journeys/schema.ts';
import { type OutcomeQueryName, outcomeQuery, type Period } from '../outcomes/queries.ts';
import type { OutcomeSql } from '../ports/outcome-sql.ts';
import { declaredGroups } from '../results/declared.ts';
import { groupResultsOfCounts } from '../results/group-results.ts';
import type { JourneyReport, Report, StepReport } from './model.ts';
import { parseRows, ROWS } from './rows.ts';

export type ReportOptions = {
  period: Period;
  /** Only this journey; null for every journey the log has. */
  journeyId: string | null;
  /** The journeys' files, for their names, their steps' order and types, and their declared groups. */
  journeys: readonly Journey[];
  source: Report['source'];
};

/** Why a report cannot be made, in words for the command line (not a failure of the code). */
export class ReportError extends Error {}

type Rows = { [Q in keyof typeof ROWS]: z.infer<(typeof ROWS)[Q]>[] };

async function runQueries(sql: OutcomeSql, period: Period): Promise<Rows> {
  const names = Object.keys(ROWS).filter(
    (name): name is keyof typeof ROWS & OutcomeQueryName => name in ROWS,
  );
  const answers = await Promise.all(
    names.map(async (name) => [name, await sql.query(outcomeQuery(name, sql.dialect, period))] as const),
  );
  const rows = Object.fromEntries(answers);
  const of = (name: string) => rows[name] ?? [];
  return {
    entered: parseRows('entered', ROWS.entered, of('entered')),
    not_entered: parseRows('not_entered', ROWS.not_entered, of('not_entered')),
    steps: parseRows('steps', ROWS.steps, of('steps')),
    moves: parseRows('moves', ROWS.moves, of('moves')),
    exits: parseRows('exits', ROWS.exits, of('exits')),
    sends: parseRows('sends', ROWS.sends, of('sends')),
    holds: parseRows('holds', ROWS.holds, of('holds')),
    feedback: parseRows('feedback', ROWS.feedback, of('feedback')),
    sends_by_day: parseRows('sends_by_day', ROWS.sends_by_day, of('sends_by_day')),
    customer_groups: parseRows('customer_groups', ROWS.customer_groups, of('customer_groups')),
    goal_currencies: parseRows('goal_currencies', ROWS.goal_currencies, of('goal_currencies')),
  };
}

/** Adds up counts by a key, e.g. exits by reason. */
function countBy<T>(items: readonly T[], key: (item: T) => string | null, value: (item: T) => number) {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item) ?? '-';
    counts[name] = (counts[name] ?? 0) + value(item);
  }
  return counts;
}

function stepReports(journeyId: string, rows: Rows, journey: Journey | undefined): StepReport[] {
  const of = <T extends { journey_id: string | null; step_id: string | null }>(
    list: readonly T[],
    step: string,
  ) => list.filter((r) => r.journey_id === journeyId && r.step_id === step);
  const declared = journey?.steps.map((s) => s.id) ?? [];
  const seen = rows.steps.filter((r) => r.journey_id === journeyId).map((r) => r.step_id);
  const order = [...declared, ...seen.filter((id) => !declared.includes(id)).sort()];
  return order.map((stepId) => {
    const moved = of(rows.steps, stepId)[0];
    const holds = of(rows.holds, stepId);
    return {
      stepId,
      type: journey?.steps.find((s) => s.id === stepId)?.type ?? null,
      entered: moved?.entered ?? 0,
      enrollments: moved?.enrollments ?? 0,
      active: moved?.active ?? 0,
      exited: countBy(
        of(rows.exits, stepId),
        (r) => r.reason,
        (r) => r.enrollments,
      ),
      sends: of(rows.sends, stepId).map(({ status, reason, channel, messages }) => ({
        status,
        reason,
        channel,
        messages,
      })),
      held: countBy(
        holds.filter((h) => h.what === 'held'),
        (r) => r.reason,
        (r) => r.times,
      ),
      withheld: countBy(
        holds.filter((h) => h.what === 'withheld'),
        (r) => r.reason,
        (r) => r.times,
      ),
      feedback: of(rows.feedback, stepId).map(({ channel, status, messages }) => ({
        channel,
        status,
        messages,
      })),
    };
  });
}

function journeyReport(journeyId: string, rows: Rows, journey: Journey | undefined): JourneyReport {
  const mine = <T extends { journey_id: string | null }>(list: readonly T[]) =>
    list.filter((r) => r.journey_id === journeyId);
  const entered = mine(rows.entered)[0];
  const exited = countBy(
    mine(rows.exits),
    (r) => r.reason,
    (r) => r.enrollments,
  );
  const exits = Object.values(exited).reduce((a, b) => a + b, 0);
  const counts = mine(rows.customer_groups).map((r) => ({
    group: r.variant_group,
    customers: r.customers,
    sent: r.sent,
    reached: r.reached,
    revenue: r.revenue,
  }));
  const declared = journey ? declaredGroups(journey) : [];
  const grouped = declared.length > 0 || counts.some((c) => c.group !== 'all');
  return {
    journeyId,
    name: journey?.name ?? null,
    entered: entered?.entered ?? 0,
    customers: entered?.customers ?? 0,
    active: Math.max(0, (entered?.entered ?? 0) - exits),
    completed: exited.completed ?? 0,
    notEntered: countBy(
      mine(rows.not_entered),
      (r) => r.reason,
      (r) => r.decisions,
    ),
    exited,
    steps: stepReports(journeyId, rows, journey),
    moves: mine(rows.moves).map((r) => ({ from: r.from_step, to: r.to_step, moves: r.moves })),
    sendsByDay: mine(rows.sends_by_day).map(({ day, status, reason, messages }) => ({
      day,
      status,
      reason,
      messages,
    })),
    results: grouped
      ? groupResultsOfCounts(
          counts,
          declared,
          mine(rows.goal_currencies).map((r) => r.currency),
        )
      : null,
  };
}

/**
 * The report of the outcome log over a period, per journey and step, with the results per group: every figure
 * from the SQL of core/outcomes/queries.ts, run by the `OutcomeSql` given (DuckDB locally, Athena on AWS), and
 * the statistics of core/results/.
 */
export async function buildReport(sql: OutcomeSql, options: ReportOptions): Promise<Report> {
  const rows = await runQueries(sql, options.period);
  const inLog = [...new Set([...rows.entered, ...rows.not_entered].map((r) => r.journey_id))].sort();
  const { journeyId } = options;
  if (journeyId !== null && !inLog.includes(journeyId) && !options.journeys.some((j) => j.id === journeyId)) {
    const known = inLog.length === 0 ? 'none' : inLog.join(', ');
    throw new ReportError(
      `no journey "${journeyId}" in the log${describePeriod(options.period)} nor in the journey files (the log has: ${known})`,
    );
  }
  const ids = journeyId === null ? inLog : [journeyId];
  return {
    version: 1,
    source: options.source,
    period: options.period,
    journeys: ids.map((id) =>
      journeyReport(
        id,
        rows,
        options.journeys.find((j) => j.id === id),
      ),
    ),
  };
}

export function describePeriod(period: Period): string {
  if (period.from === null && period.to === null) return '';
  if (period.to === null) return ` for enrollments from ${period.from}`;
  if (period.from === null) return ` for enrollments until ${period.to}`;
  return ` for enrollments from ${period.from} to ${period.to}`;
}
