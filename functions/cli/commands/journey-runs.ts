import type { AudienceRunRecord } from '../../core/audience-runs/record.ts';
import type { AudienceRunStore } from '../../core/ports/audience-run-store.ts';
import type { CliIo } from '../io.ts';

/** How `cairn journeys runs` prints: a table for people, or the records as the store holds them. */
export const RUN_FORMATS = ['text', 'json'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

export const isRunFormat = (value: string | undefined): value is RunFormat =>
  RUN_FORMATS.some((format) => format === value);

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

/** `no-timezone=3 local-time-passed=1`, or `-`. */
function skippedText(skipped: AudienceRunRecord['skipped']): string {
  const parts = Object.entries(skipped)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${reason}=${count}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** Rows padded to their columns' widths. */
export function columns(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The runs of one scheduled journey or campaign, oldest first, from the AudienceRunStore (the table's
 * `RUNS#<journey>` items): when each was due, started and completed (none while under way, or after a crash),
 * its attempts, its audience, the entry inputs handed on and how many of them as timers, and who was skipped why.
 */
export async function printJourneyRuns(
  runs: AudienceRunStore,
  journeyId: string,
  where: string,
  format: RunFormat,
  io: CliIo,
): Promise<number> {
  const records = await runs.list(journeyId);
  if (format === 'json') {
    io.stdout(JSON.stringify({ journeyId, runs: records }, null, 2));
    return 0;
  }
  if (records.length === 0) {
    io.stdout(`No runs of ${journeyId} recorded in ${where} yet.`);
    return 0;
  }
  const header = [
    'run',
    'due',
    'started',
    'completed',
    'attempts',
    'audience',
    'entries',
    'timers',
    'skipped',
  ];
  const rows = records.map((r) => [
    r.run,
    iso(r.dueAt),
    iso(r.startedAt),
    iso(r.completedAt),
    String(r.attempts),
    String(r.audience),
    String(r.entries),
    String(r.timers),
    skippedText(r.skipped),
  ]);
  io.stdout(`Runs of ${journeyId} in ${where}, oldest first:`);
  for (const line of columns([header, ...rows])) io.stdout(`  ${line}`);
  return 0;
}
