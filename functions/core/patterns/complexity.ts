/**
 * EventBridge refuses a rule whose wildcards could keep too many partial matches alive at once ("Rule is too
 * complex"): Event Ruler runs wildcards as an automaton and bounds the wildcard states a worst-case input can
 * have it in at the same time. Cairn's own wildcard matching is linear, so this is only for conformance: a
 * pattern EventBridge would refuse is refused here too, with its message.
 *
 * The measure: all the wildcards of one field (plain and `anything-but`) as one automaton over UTF-8 bytes;
 * for every set of states some input can reach, count the active states that sit on a `*` (each is one
 * wildcard prefix matched so far); the largest count must not pass MAX_WILDCARD_COMPLEXITY.
 */

/** Event Ruler's limit on simultaneous wildcard prefixes as EventBridge applies it. */
export const MAX_WILDCARD_COMPLEXITY = 10;
export const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

const STAR = -1;
/** Any byte no wildcard names: one representative stands for them all. */
const OTHER = -2;
/** Sets of states explored at most; past it the pattern is taken as it is (it is then already very large). */
const MAX_SETS = 5000;

const encoder = new TextEncoder();

/** A wildcard as bytes and stars; `\*` and `\\` are literal (the wildcard was validated before). */
function tokensOf(wildcard: string): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i] ?? '';
    if (char === '*') tokens.push(STAR);
    else {
      const literal = char === '\\' ? (wildcard[++i] ?? '') : char;
      const code = literal.codePointAt(0) ?? 0;
      if (code > 0xffff) i++;
      tokens.push(...encoder.encode(String.fromCodePoint(code)));
    }
  }
  return tokens;
}

type Automaton = { tokens: number[][]; offsets: number[] };

/** The states a state set reaches without input: a `*` may match nothing. */
function close(automaton: Automaton, pattern: number, position: number, into: Set<number>): void {
  const tokens = automaton.tokens[pattern] ?? [];
  const offset = automaton.offsets[pattern] ?? 0;
  let at = position;
  into.add(offset + at);
  while (tokens[at] === STAR) into.add(offset + ++at);
}

function step(automaton: Automaton, states: readonly number[], byte: number): Set<number> {
  const next = new Set<number>();
  for (const state of states) {
    const pattern = patternOf(automaton, state);
    const position = state - (automaton.offsets[pattern] ?? 0);
    const token = automaton.tokens[pattern]?.[position];
    if (token === STAR) close(automaton, pattern, position, next);
    else if (token !== undefined && token === byte) close(automaton, pattern, position + 1, next);
  }
  return next;
}

function patternOf(automaton: Automaton, state: number): number {
  let pattern = 0;
  while ((automaton.offsets[pattern + 1] ?? Number.POSITIVE_INFINITY) <= state) pattern++;
  return pattern;
}

function starsActive(automaton: Automaton, states: Iterable<number>): number {
  let count = 0;
  for (const state of states) {
    const pattern = patternOf(automaton, state);
    if (automaton.tokens[pattern]?.[state - (automaton.offsets[pattern] ?? 0)] === STAR) count++;
  }
  return count;
}

/** Whether the wildcards of one field, together, are beyond what EventBridge accepts. */
export function tooComplex(wildcards: readonly string[]): boolean {
  if (wildcards.length === 0) return false;
  const tokens = wildcards.map(tokensOf);
  const offsets: number[] = [];
  let total = 0;
  for (const t of tokens) {
    offsets.push(total);
    total += t.length + 1;
  }
  const automaton: Automaton = { tokens, offsets };
  const alphabet = [...new Set(tokens.flat().filter((t) => t !== STAR)), OTHER];
  const start = new Set<number>();
  for (let p = 0; p < tokens.length; p++) close(automaton, p, 0, start);
  const pending: number[][] = [[...start].sort((a, b) => a - b)];
  const seen = new Set<string>(pending.map((s) => s.join(',')));
  if (starsActive(automaton, start) > MAX_WILDCARD_COMPLEXITY) return true;
  while (pending.length > 0 && seen.size < MAX_SETS) {
    const states = pending.pop() ?? [];
    for (const byte of alphabet) {
      const next = [...step(automaton, states, byte)].sort((a, b) => a - b);
      if (next.length === 0) continue;
      if (starsActive(automaton, next) > MAX_WILDCARD_COMPLEXITY) return true;
      const key = next.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      pending.push(next);
    }
  }
  return false;
}
