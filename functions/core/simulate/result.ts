import type { DeadLetter } from '../ports/dead-letters.ts';
import type { EnrollmentRecord, JourneyCounters, MessageRecord, Tally } from './tally.ts';

/** A dead letter as a run reports it: what, and where in the event file when it came from one. */
export type DeadLetterRecord = {
  kind: DeadLetter['kind'];
  /** The event's id (the file's), or the message id of an undelivered send. */
  id: string | null;
  /** The line of the event file it came from, when it did. */
  line: number | null;
  userId: string | null;
  reason: string;
};

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
  deadLetters: readonly DeadLetter[];
  /** The file line of each event id put. */
  lines: ReadonlyMap<string, number>;
};

const byTime = <T extends { at?: string; enteredAt?: string }>(a: T, b: T, idA: string, idB: string) =>
  (a.at ?? a.enteredAt ?? '').localeCompare(b.at ?? b.enteredAt ?? '') || idA.localeCompare(idB);

/** The run's result, in a stable order so that two runs of the same events compare byte for byte. */
export function runResult(facts: RunFacts): RunResult {
  const { tally } = facts;
  return {
    until: new Date(facts.until).toISOString(),
    eventsIn: facts.eventsIn,
    skipped: facts.skipped,
    policies: facts.policies,
    messages: [...tally.messages.values()].sort((a, b) => byTime(a, b, a.messageId, b.messageId)),
    enrollments: [...tally.enrollments.values()].sort((a, b) => byTime(a, b, a.enrollmentId, b.enrollmentId)),
    deadLetters: facts.deadLetters.map((letter) => deadLetterRecord(letter, facts.lines)),
    journeys: tally.journeys,
  };
}

function deadLetterRecord(letter: DeadLetter, lines: ReadonlyMap<string, number>): DeadLetterRecord {
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
