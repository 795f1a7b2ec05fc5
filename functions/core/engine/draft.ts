import type { EveryField } from '../collections/every-field.ts';
import type { CustomerState, Enrollment, EntryRecord } from './state.ts';

/**
 * The state one input works on, copied on write: the top level is the draft's own from the start (its fields
 * are replaced, never changed in place), while the enrollments, the entry records and each enrollment are
 * shared with the state given until the input changes them, and only then copied, one at a time. So an input
 * that changes little copies little, and the state given is never changed: the engine's contract (same
 * inputs, same result, the caller's state untouched) holds, and what the input left alone stays the very same
 * object in the result.
 */
export class StateDraft {
  readonly state: CustomerState;
  /**
   * The enrollments this input copied, by the enrollment they copy; and the copies and new enrollments, which
   * are its own. Made on the first copy: most inputs change no enrollment, and these were two of the
   * allocations every input paid for.
   */
  private copies: Map<Enrollment, Enrollment> | undefined;
  private own: Set<Enrollment> | undefined;
  private ownsEnrollments = false;
  private ownsEntries = false;

  constructor(given: CustomerState) {
    this.state = everyField(given);
  }

  /**
   * The enrollment as this input may change it: its copy, made now if it has none, in the enrollment's place.
   * Whoever changes an enrollment holds what this returned, never the enrollment it was given.
   */
  enrollment(enrollment: Enrollment): Enrollment {
    if (this.own?.has(enrollment)) return enrollment;
    const known = this.copies?.get(enrollment);
    if (known) return known;
    const copy = { ...enrollment };
    const enrollments = this.enrollments();
    const at = enrollments.indexOf(enrollment);
    if (at >= 0) enrollments[at] = copy;
    this.copies ??= new Map();
    this.copies.set(enrollment, copy);
    this.owned().add(copy);
    return copy;
  }

  /** What became of an enrollment of the state given: its copy once there is one, else itself. */
  current(enrollment: Enrollment): Enrollment {
    return this.copies?.get(enrollment) ?? enrollment;
  }

  /** A new enrollment, the input's own, after the others. */
  enroll(enrollment: Enrollment): void {
    this.enrollments().push(enrollment);
    this.owned().add(enrollment);
  }

  private owned(): Set<Enrollment> {
    this.own ??= new Set();
    return this.own;
  }

  /** The entry records, to change in place: copied on the first call. */
  entries(): Record<string, EntryRecord> {
    if (!this.ownsEntries) {
      this.state.entries = { ...this.state.entries };
      this.ownsEntries = true;
    }
    return this.state.entries;
  }

  /** The list of enrollments, to change in place: copied on the first call, or when it was replaced since. */
  private enrollments(): Enrollment[] {
    if (!this.ownsEnrollments) {
      this.state.enrollments = [...this.state.enrollments];
      this.ownsEnrollments = true;
    }
    return this.state.enrollments;
  }

  /** Replaces the list of enrollments with a new one (filtered), which is the draft's own. */
  replaceEnrollments(enrollments: Enrollment[]): void {
    this.state.enrollments = enrollments;
    this.ownsEnrollments = true;
  }
}

/**
 * A copy of the state with every field, in one order, absent ones undefined (JSON leaves them out). A state
 * keeps its fields in the order they were added, so states came in six or more object shapes, and every read
 * of a field in the engine saw them all (megamorphic). The order is the one most states were written in.
 */
function everyField(given: CustomerState): CustomerState {
  const fields: EveryField<CustomerState> = {
    userId: given.userId,
    profile: given.profile,
    enrollments: given.enrollments,
    entries: given.entries,
    journeySends: given.journeySends,
    processed: given.processed,
    lifecycleTimer: given.lifecycleTimer,
    dates: given.dates,
    seen: given.seen,
    delivery: given.delivery,
    history: given.history,
    segments: given.segments,
    segmentTimer: given.segmentTimer,
    ended: given.ended,
    endings: given.endings,
    runs: given.runs,
  };
  return fields;
}
