import { isRecord } from '../collections/is-record.ts';
import { formatPath } from '../diagnostics/problem.ts';
import { TOO_COMPLEX, tooComplex } from './complexity.ts';
import { comparableKey } from './numbers.ts';
import { compileExpression, OPERATORS } from './operators.ts';
import {
  type Child,
  type CompiledPattern,
  type Leaf,
  type ObjectNode,
  type PatternProblem,
  ROOT,
  type ScalarTest,
  type StringsLeaf,
} from './types.ts';

/**
 * Validation and compilation of EventBridge event patterns. `compilePattern` walks the whole pattern and reports
 * every problem it finds, each with its path inside the pattern, instead of stopping at the first as EventBridge
 * does; the messages use EventBridge's own wording where it is known.
 */

export type PatternParseResult =
  | { ok: true; pattern: CompiledPattern }
  | { ok: false; problems: PatternProblem[] };

type Path = (string | number)[];
/** Which member of which `$or` a field sits in; two fields in different members of one `$or` never meet. */
type OrChoice = readonly [orId: number, member: number];
type LeafRecord = { readonly dotted: string; readonly path: Path; readonly choices: readonly OrChoice[] };
type Context = { problems: PatternProblem[]; leaves: LeafRecord[]; nextOrId: number };
type Scope = {
  path: Path;
  dotted: readonly string[];
  choices: readonly OrChoice[];
  insideOr: boolean;
  depth: number;
};

const OR = '$or';
const MAX_DEPTH = 100;
const MATCH_VALUE_MESSAGE = 'Match value must be String, number, true, false, or null';

/** Names EventBridge reserves: inside `$or` they cannot be field names, as they would read as operators. */
const RESERVED_IN_OR: readonly string[] = [
  ...OPERATORS,
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
];

/** EventBridge joins field names with dots, so a dotted name is a path through nested fields (match.ts). */
function segmentsOf(key: string): readonly string[] | null {
  return key.includes('.') ? key.split('.') : null;
}

function compileLeaf(key: string, list: readonly unknown[], scope: Scope, context: Context): Leaf {
  const { path } = scope;
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const numberKeys = new Set<number>();
  const tests: ScalarTest[] = [];
  let existsTrue = false;
  let existsFalse = false;
  let matchTrue = false;
  let matchFalse = false;
  let matchNull = false;
  if (list.length === 0) context.problems.push({ path, message: 'Empty arrays are not allowed' });
  for (const [i, item] of list.entries()) {
    if (typeof item === 'string') strings.add(item);
    else if (typeof item === 'number' && Number.isFinite(item)) {
      numbers.add(item);
      const numberKey = comparableKey(item);
      if (numberKey !== undefined) numberKeys.add(numberKey);
    } else if (item === true) matchTrue = true;
    else if (item === false) matchFalse = true;
    else if (item === null) matchNull = true;
    else if (isRecord(item)) {
      const expression = compileExpression(item, [...path, i], context.problems);
      if (expression?.kind === 'test') tests.push(expression.test);
      else if (expression?.kind === 'exists') {
        if (expression.exists) existsTrue = true;
        else existsFalse = true;
      }
    } else context.problems.push({ path: [...path, i], message: MATCH_VALUE_MESSAGE });
  }
  if (tooComplex(wildcardsOf(list))) context.problems.push({ path, message: TOO_COMPLEX });
  context.leaves.push({ dotted: [...scope.dotted, key].join('.'), path, choices: scope.choices });
  return {
    key,
    segments: segmentsOf(key),
    existsTrue,
    existsFalse,
    strings: strings.size > 0 ? strings : null,
    numbers: numbers.size > 0 ? numbers : null,
    numberKeys: numberKeys.size > 0 ? numberKeys : null,
    matchTrue,
    matchFalse,
    matchNull,
    tests,
  };
}

/** The wildcard operands of a field's list, plain and under `anything-but`, for the complexity check. */
function wildcardsOf(list: readonly unknown[]): string[] {
  const found: string[] = [];
  const add = (operand: unknown) => {
    for (const item of Array.isArray(operand) ? operand : [operand])
      if (typeof item === 'string') found.push(item);
  };
  for (const item of list) {
    if (!isRecord(item)) continue;
    add(item.wildcard);
    const but = item['anything-but'];
    if (isRecord(but)) add(but.wildcard);
  }
  return found;
}

function compileOr(value: unknown, scope: Scope, context: Context): ObjectNode[] {
  const path = [...scope.path, OR];
  if (!Array.isArray(value)) {
    context.problems.push({ path, message: 'It must be an Array followed with $or.' });
    return [];
  }
  const orId = context.nextOrId++;
  const members: ObjectNode[] = [];
  for (const [i, member] of value.entries()) {
    if (!isRecord(member)) {
      context.problems.push({
        path: [...path, i],
        message: 'Only JSON object is allowed in array of $or relationship.',
      });
      continue;
    }
    const memberScope: Scope = {
      path: [...path, i],
      dotted: scope.dotted,
      choices: [...scope.choices, [orId, i]],
      insideOr: true,
      depth: scope.depth + 1,
    };
    members.push(compileObject(member, memberScope, context));
  }
  if (value.length < 2)
    context.problems.push({ path, message: 'There must have at least 2 Objects in $or relationship.' });
  return members;
}

/** A leaf of plain strings only, under a name without dots (types.ts, ObjectNode.exact). */
function isStringsLeaf(leaf: Leaf): leaf is StringsLeaf {
  return (
    leaf.segments === null &&
    leaf.strings !== null &&
    leaf.numbers === null &&
    leaf.numberKeys === null &&
    !leaf.existsTrue &&
    !leaf.existsFalse &&
    !leaf.matchTrue &&
    !leaf.matchFalse &&
    !leaf.matchNull &&
    leaf.tests.length === 0
  );
}

function compileObject(object: Record<string, unknown>, scope: Scope, context: Context): ObjectNode {
  const leaves: Leaf[] = [];
  const exact: StringsLeaf[] = [];
  const children: Child[] = [];
  const ors: ObjectNode[][] = [];
  const node: ObjectNode = { leaves, exact, children, ors };
  if (scope.depth > MAX_DEPTH) {
    context.problems.push({
      path: scope.path,
      message: `Pattern is nested too deeply (more than ${MAX_DEPTH} levels)`,
    });
    return node;
  }
  const entries = Object.entries(object);
  if (entries.length === 0)
    context.problems.push({ path: scope.path, message: 'Empty objects are not allowed' });
  for (const [key, value] of entries) {
    const path = [...scope.path, key];
    if (key === OR) {
      ors.push(compileOr(value, scope, context));
    } else if (scope.insideOr && RESERVED_IN_OR.includes(key)) {
      context.problems.push({
        path,
        message: `${key} is a reserved word and cannot be used as a field name inside $or.`,
      });
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(key, value, { ...scope, path }, context);
      leaves.push(leaf);
      if (isStringsLeaf(leaf)) exact.push(leaf);
    } else if (isRecord(value)) {
      const child = compileObject(
        value,
        { ...scope, path, dotted: [...scope.dotted, key], depth: scope.depth + 1 },
        context,
      );
      children.push({ key, segments: segmentsOf(key), node: child });
    } else {
      const hint = OPERATORS.some((o) => o === key)
        ? `; operators go inside a list, e.g. "field": [{"${key}": ...}]`
        : '';
      context.problems.push({ path, message: `"${key}" must be an object or an array${hint}` });
    }
  }
  return node;
}

/** Whether two leaves can hold in one alternative: unless some `$or` puts them in different members, they can. */
function meet(a: LeafRecord, b: LeafRecord): boolean {
  return !a.choices.some(([id, member]) =>
    b.choices.some(([otherId, otherMember]) => id === otherId && member !== otherMember),
  );
}

/**
 * EventBridge flattens a pattern into dotted paths and, when one alternative names a path twice (inside and
 * outside a `$or`, or `"a.b"` next to `"a": {"b": ...}`), silently keeps only the last. Cairn refuses instead.
 */
function checkRepeatedPaths(context: Context): void {
  const byPath = new Map<string, LeafRecord[]>();
  for (const leaf of context.leaves) {
    const seen = byPath.get(leaf.dotted);
    if (seen === undefined) {
      byPath.set(leaf.dotted, [leaf]);
      continue;
    }
    const earlier = seen.find((other) => meet(other, leaf));
    if (earlier !== undefined) {
      context.problems.push({
        path: leaf.path,
        message: `Path \`${leaf.dotted}\` cannot be allowed multiple times: it is also matched at ${formatPath(earlier.path)}`,
      });
    }
    seen.push(leaf);
  }
}

/** Validates an event pattern (a parsed JSON object) and compiles it for `matchesPattern`. */
export function compilePattern(input: unknown): PatternParseResult {
  if (!isRecord(input)) {
    const hint = typeof input === 'string' ? ' (pass the parsed JSON object, not its text)' : '';
    return { ok: false, problems: [{ path: [], message: `Filter is not an object${hint}` }] };
  }
  const context: Context = { problems: [], leaves: [], nextOrId: 0 };
  const root = compileObject(
    input,
    { path: [], dotted: [], choices: [], insideOr: false, depth: 0 },
    context,
  );
  checkRepeatedPaths(context);
  if (context.problems.length > 0) return { ok: false, problems: context.problems };
  return { ok: true, pattern: { [ROOT]: root } };
}
