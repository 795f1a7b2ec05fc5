import { maskText, type PiiDisplay } from '../core/diagnostics/mask.ts';
import { formatRun } from '../core/simulate/report.ts';
import type { RunResult } from '../core/simulate/result.ts';
import type { LocalStack, SentMessage } from './stack.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * What the local stack did, from what the handlers counted (their Powertools metrics, as on AWS) and what the
 * channels were handed: events in, enrollments, messages by channel, outcomes by reason, dead letters.
 */
export function formatStackReport(
  stack: LocalStack,
  result: Pick<RunResult, 'deadLetters'>,
  options: { maxMessages?: number; pii?: PiiDisplay } = {},
): string[] {
  const pii = options.pii ?? 'masked';
  const text = (free: string) => (pii === 'shown' ? free : maskText(free));
  const { tally } = stack;
  const lines: string[] = [];
  const count = (name: string, where: Record<string, string> = {}) => tally.total(name, where);
  lines.push(
    `Events in: ${count('EventsIn')} (put ${stack.eventsPut}; invalid ${count('InvalidEvents')}; duplicates dropped ${count('DuplicateEvents')})`,
  );
  lines.push(`Enrollments: ${count('Enrollments')}    Timers fired: ${count('TimersFired')}`);
  // The runs of scheduled journeys and campaigns that fell in the period (a serving stack keeps no tally).
  const runs = [...stack.results.runs.values()];
  if (runs.length > 0) {
    lines.push(`Scheduled runs: ${runs.length}`);
    for (const run of runs) lines.push(`  ${run.journeyId}${formatRun(run)}`);
  }
  for (const error of stack.runErrors)
    lines.push(`  run failed, tried again: ${error.journeyId} ${error.run}: ${text(error.error)}`);
  const outcomes = tally.series('SendOutcomes');
  const byChannel = new Map<string, number>();
  for (const { dimensions, value } of outcomes)
    if (dimensions.status === 'SENT')
      byChannel.set(dimensions.channel ?? '?', (byChannel.get(dimensions.channel ?? '?') ?? 0) + value);
  const channels = [...byChannel].map(([channel, n]) => `${channel} ${n}`).join(', ');
  lines.push(
    `Messages sent: ${[...byChannel.values()].reduce((a, b) => a + b, 0)}${channels ? ` (${channels})` : ''}`,
  );
  lines.push('Send outcomes by reason (every decision, holds included):');
  const byReason = new Map<string, number>();
  for (const { dimensions, value } of outcomes) {
    const key = `${dimensions.status ?? '?'} ${dimensions.reason ?? '?'}`;
    byReason.set(key, (byReason.get(key) ?? 0) + value);
  }
  const reasons = [...byReason].sort(([a], [b]) => a.localeCompare(b));
  for (const [key, n] of reasons) lines.push(`  ${key.padEnd(36)} ${n}`);
  if (reasons.length === 0) lines.push('  (none)');

  const max = options.maxMessages ?? 20;
  // A serving stack keeps only the latest messages (sent-log.ts); the count is of all of them.
  const kept = stack.sentTotal > stack.sent.length ? `, the latest ${stack.sent.length} kept` : '';
  lines.push(`Messages (${stack.sentTotal}${kept}${stack.sent.length > max ? `, first ${max}` : ''}):`);
  for (const m of stack.sent.slice(0, max))
    lines.push(
      `  ${iso(m.at)}  ${m.channel.padEnd(5)} ${m.userId.padEnd(9)} ${m.journeyId.padEnd(17)} ${shownOrMasked(m, pii).text.slice(0, 60)}`,
    );
  if (stack.sent.length === 0) lines.push('  (none)');

  const letters = stack.deadLetters.length + stack.redriven.length;
  lines.push(`Dead letters: ${letters}`);
  for (const letter of result.deadLetters) {
    const where = letter.line === null ? '' : ` (line ${letter.line})`;
    lines.push(`  ${letter.kind} ${letter.id ?? '(no id)'}${where}: ${text(letter.reason)}`);
  }
  for (const { queue, message } of stack.redriven)
    lines.push(`  ${queue} queue message ${message.messageId} failed ${message.receiveCount} times`);
  return lines;
}

/** A message as `npm start -- --serve` prints it when it goes out. */
export function servedLine(m: SentMessage, pii: PiiDisplay): string {
  const { to, text } = shownOrMasked(m, pii);
  return `${new Date(m.at).toISOString()} ${m.channel} to ${to} (${m.journeyId}): ${text}`;
}

function shownOrMasked(m: SentMessage, pii: PiiDisplay): { to: string; text: string } {
  return pii === 'shown' ? { to: m.to, text: m.summary } : m.masked;
}
