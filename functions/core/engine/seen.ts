import { DEFAULT_INPUT_LIMITS } from '../events/limits.ts';
import { SeenMemory } from './seen-memory.ts';
import type { CustomerState } from './state.ts';

const DAY_MS = 86_400_000;

/** Characters of one fingerprint: 9 base64url digits hold 54 bits, one more than a fingerprint's 53. */
export const PRINT_CHARS = 9;

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The most fingerprints a customer remembers, whatever their times. Beyond it the oldest are forgotten first,
 * so a customer with more inputs than this within the window (a bot, a shared test account) is protected for
 * their latest SEEN_MAX inputs only. At 9 characters each it keeps the state under 40 KB of fingerprints, far
 * from the state limit (events/limits.ts, maxStateBytes); docs/data-model.md has what real customers carry.
 */
export const SEEN_MAX = 4096;

/** A 53-bit fingerprint (engine/bucket.ts) as 9 base64url characters: the same length whatever its value. */
export function encodePrint(print: number): string {
  // The high 23 bits make the first 4 digits and the low 30 bits the last 5, in integer arithmetic, and the
  // string is made at once: five times faster than dividing the double nine times and joining nine strings.
  const low = print % LOW_SPAN;
  const high = (print - low) / LOW_SPAN;
  return String.fromCharCode(
    DIGITS.charCodeAt((high >>> 18) & 63),
    DIGITS.charCodeAt((high >>> 12) & 63),
    DIGITS.charCodeAt((high >>> 6) & 63),
    DIGITS.charCodeAt(high & 63),
    DIGITS.charCodeAt((low >>> 24) & 63),
    DIGITS.charCodeAt((low >>> 18) & 63),
    DIGITS.charCodeAt((low >>> 12) & 63),
    DIGITS.charCodeAt((low >>> 6) & 63),
    DIGITS.charCodeAt(low & 63),
  );
}

/** 2^30: the low five digits' span. */
const LOW_SPAN = 1_073_741_824;

/** The UTC day an input is remembered under: the day of its time. */
export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS);
}

function holds(prints: string, code: string): boolean {
  for (let at = prints.indexOf(code); at !== -1; at = prints.indexOf(code, at + 1))
    if (at % PRINT_CHARS === 0) return true;
  return false;
}

/** Whether the customer already applied the input with this fingerprint (in `seen`, or the older `processed`). */
export function alreadySeen(state: CustomerState, print: number): boolean {
  if (state.processed.includes(print)) return true;
  if (!state.seen) return false;
  const code = encodePrint(print);
  for (const prints of state.seen.prints) if (holds(prints, code)) return true;
  return false;
}

/** An input's check: seen before (a duplicate), or not, with the `seen` to keep when the usual case holds. */
export type InputCheck = { seen: true } | { seen: false; next: SeenMemory | undefined };

const SEEN_BEFORE: InputCheck = { seen: true };

/**
 * alreadySeen and the usual case of rememberInput in one walk of the days: whether the input was applied
 * before, and if not, the `seen` to keep after it when nothing is to be forgotten (what rememberInput would
 * give; `next` undefined otherwise, and rememberInput makes it). The walk reads `seen`'s arrays
 * (engine/seen-memory.ts); the copy is made only after it, of the arrays, with the input's fingerprint added.
 */
export function checkInput(
  state: CustomerState,
  print: number,
  at: number,
  now: number,
  windowMs: number = DEFAULT_INPUT_LIMITS.pastMs,
): InputCheck {
  if (state.processed.length > 0)
    return alreadySeen(state, print) ? SEEN_BEFORE : { seen: false, next: undefined };
  const { seen } = state;
  const code = encodePrint(print);
  const firstKept = dayOf(now - windowMs);
  const key = String(Math.max(dayOf(at), firstKept));
  if (!seen) return { seen: false, next: SeenMemory.of(key, code) };
  // The usual case's copy, given up (but the walk goes on checking) where something is to be forgotten.
  let forget = false;
  let chars = code.length;
  let keyAt = -1;
  const { names, days, prints: printsOf } = seen;
  for (let index = 0; index < printsOf.length; index++) {
    const prints = printsOf[index] ?? '';
    if (holds(prints, code)) return SEEN_BEFORE;
    if (forget) continue;
    if ((days[index] ?? 0) < firstKept || !prints) {
      forget = true;
      continue;
    }
    chars += prints.length;
    if (names[index] === key) keyAt = index;
  }
  if (forget || chars / PRINT_CHARS > SEEN_MAX) return { seen: false, next: undefined };
  return { seen: false, next: keyAt === -1 ? seen.inserted(key, code) : seen.appended(keyAt, code) };
}

/**
 * The fingerprints to keep after applying an input: its own under the day of its time, and every other one
 * whose day can still hold a time the event-time window accepts (`windowMs` before `now`). An event dated
 * before that window is refused before the state is read (events/limits.ts, eventTimeProblem), so a forgotten
 * fingerprint can only belong to an input that would be refused anyway. Fingerprints of the older `processed`
 * list (no time kept) move to the day of `now`.
 */
export function rememberInput(
  state: CustomerState,
  print: number,
  at: number,
  now: number,
  windowMs: number = DEFAULT_INPUT_LIMITS.pastMs,
): SeenMemory {
  const firstKept = dayOf(now - windowMs);
  const code = encodePrint(print);
  const day = Math.max(dayOf(at), firstKept);
  const kept = new Map<number, string>();
  for (const [day, prints] of Object.entries(state.seen?.toRecord() ?? {}))
    if (Number(day) >= firstKept) kept.set(Number(day), prints);
  const add = (day: number, code: string) => {
    if (day >= firstKept) kept.set(day, (kept.get(day) ?? '') + code);
  };
  for (const legacy of state.processed) add(dayOf(now), encodePrint(legacy));
  // An input older than the window reaches the engine only from a caller that applies no window: it is kept
  // under the oldest day still kept, not forgotten at once.
  add(day, code);
  return SeenMemory.fromRecord(capped([...kept.entries()].sort(([a], [b]) => a - b)));
}

/** At most SEEN_MAX fingerprints, the oldest days' first-added forgotten first. */
function capped(days: [number, string][]): Record<string, string> {
  let excess = days.reduce((sum, [, prints]) => sum + prints.length / PRINT_CHARS, 0) - SEEN_MAX;
  const seen: Record<string, string> = {};
  for (const [day, prints] of days) {
    const drop = Math.min(Math.max(excess, 0), prints.length / PRINT_CHARS);
    excess -= drop;
    if (drop * PRINT_CHARS < prints.length) seen[String(day)] = prints.slice(drop * PRINT_CHARS);
  }
  return seen;
}
