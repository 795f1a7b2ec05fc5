import type { DeadLetter } from '../ports/dead-letters.ts';
import { canonicalJourneys } from './counters.ts';
import type { DeadLetterRecord } from './records.ts';
import type { EnrollmentRecord, JourneyCounters, MessageRecord, Tally } from './tally.ts';

export type { DeadLetterRecord } from './records.ts';

/** What `cairn simulate --out` and `npm start -- --out` write: the same shape, from the same Tally. */
export type RunResult = {
  until: string;
  eventsIn: number;
  /** Lines of the event file that were not events at all (not JSON, no source), with why. */
  skipped: { line: number; reason: string }[];
  policies: { file: string; environment: string | null } | null;
  messages: MessageRecord[];
  enrollments: EnrollmentRecord[];
  deadLetters: DeadLetterRecord[];
  journeys: Record<string, JourneyCounters>;
};

export type RunFacts = {
  until: number;
  eventsIn: number;
  skipped: RunResult['skipped'];
  policies: RunResult['policies'];
  tally: Tally;
  /** As the result reports them (deadLetterRecord), in any order. */
  deadLetters: readonly DeadLetterRecord[];
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The result's order of messages: by the time of their final outcome, then id (ids are unique). */
export const compareMessages = (a: MessageRecord, b: MessageRecord): number =>
  byText(a.at, b.at) || byText(a.messageId, b.messageId);

/** The result's order of enrollments: by the time they entered, then id (ids are unique). */
export const compareEnrollments = (a: EnrollmentRecord, b: EnrollmentRecord): number =>
  byText(a.enteredAt, b.enteredAt) || byText(a.enrollmentId, b.enrollmentId);

/**
 * The result's order of dead letters: by the file's line (others after), then by every field, so that the order
 * does not depend on which customer's work ran first (two that tie on every field are the same text).
 */
export const compareDeadLetters = (a: DeadLetterRecord, b: DeadLetterRecord): number =>
  (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY) ||
  byText(a.kind, b.kind) ||
  byText(a.id ?? '', b.id ?? '') ||
  byText(a.userId ?? '', b.userId ?? '') ||
  byText(a.reason, b.reason);

/**
 * The run's result, in a stable order so that two runs of the same events compare byte for byte, and a run
 * split across workers (simulate/partition-run.ts) writes what one worker writes.
 */
export function runResult(facts: RunFacts): RunResult {
  const { tally } = facts;
  return {
    until: new Date(facts.until).toISOString(),
    eventsIn: facts.eventsIn,
    skipped: facts.skipped,
    policies: facts.policies,
    messages: [...tally.messages.values()].sort(compareMessages),
    enrollments: [...tally.enrollments.values()].sort(compareEnrollments),
    deadLetters: [...facts.deadLetters].sort(compareDeadLetters),
    journeys: canonicalJourneys(tally.journeys, tally.catalog),
  };
}

/** A dead letter as the result reports it, with the file line of the event when `lines` knows its id. */
export function deadLetterRecord(letter: DeadLetter, lines: ReadonlyMap<string, number>): DeadLetterRecord {
  switch (letter.kind) {
    case 'invalid-event':
      return {
        kind: letter.kind,
        id: letter.eventId ?? null,
        line: (letter.eventId === undefined ? undefined : lines.get(letter.eventId)) ?? null,
        userId: null,
        reason: letter.problems.map((p) => `${p.path || '(event)'}: ${p.message}`).join('; '),
      };
    case 'undelivered-send':
      return {
        kind: letter.kind,
        id: letter.messageId,
        line: null,
        userId: letter.userId,
        reason: letter.reason,
      };
    case 'undispatched-effects':
      return {
        kind: letter.kind,
        id: letter.inputKey,
        line: null,
        userId: letter.userId,
        reason: letter.error,
      };
    default: {
      const unknown: never = letter;
      throw new Error(`unknown dead letter ${JSON.stringify(unknown)}`);
    }
  }
}
