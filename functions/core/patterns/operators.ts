import { isRecord } from '../collections/is-record.ts';
import { didYouMean } from '../diagnostics/problem.ts';
import { comparableKey, MAX_KEY, MIN_KEY, patternNumberProblem, tokenText } from './numbers.ts';
import { ignoreCaseRegExp, matchCidr, matchWildcard, parseCidr, parseWildcard } from './text.ts';
import type { PatternProblem, ScalarTest } from './types.ts';

/**
 * Compiles one match expression, the object form of a value in a pattern list (`{"prefix": "us-"}`), into a test
 * of scalar event values. Problems are worded as EventBridge words them where its wording is known.
 */

type Path = (string | number)[];
export type Expression = { kind: 'test'; test: ScalarTest } | { kind: 'exists'; exists: boolean };

export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;
const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

class Problems {
  constructor(readonly list: PatternProblem[]) {}
  add(path: Path, message: string): undefined {
    this.list.push({ path, message });
    return undefined;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

function ignoreCaseTest(text: string, anchor: 'whole' | 'start' | 'end'): ScalarTest {
  const re = ignoreCaseRegExp(text, anchor);
  return (v: unknown) => typeof v === 'string' && re.test(v);
}

/** The single key of an operator object, or a problem when it has none or several. */
function singleKey(
  object: Record<string, unknown>,
  path: Path,
  problems: Problems,
  missing: string,
): [string, unknown] | undefined {
  const entries = Object.entries(object);
  const first = entries[0];
  if (first === undefined) return problems.add(path, missing);
  if (entries.length > 1) return problems.add(path, 'Only one key allowed in match expression');
  return first;
}

/** `prefix` and `suffix`: a string, or `{"equals-ignore-case": string}` for a case-insensitive affix. */
function compileAffix(name: 'prefix' | 'suffix', operand: unknown, path: Path, problems: Problems) {
  const title = name === 'prefix' ? 'Prefix' : 'Suffix';
  if (isRecord(operand)) {
    const entry = singleKey(operand, path, problems, `${title} expression name not found`);
    if (entry === undefined) return undefined;
    const [inner, text] = entry;
    if (inner !== 'equals-ignore-case') {
      return problems.add(
        [...path, inner],
        `Unsupported ${name} pattern: ${inner}${didYouMean(inner, ['equals-ignore-case'])}`,
      );
    }
    if (!isString(text))
      return problems.add([...path, inner], 'equals-ignore-case match pattern must be a string');
    return ignoreCaseTest(text, name === 'prefix' ? 'start' : 'end');
  }
  if (!isString(operand)) return problems.add(path, `${name} match pattern must be a string`);
  return name === 'prefix'
    ? (v: unknown) => typeof v === 'string' && v.startsWith(operand)
    : (v: unknown) => typeof v === 'string' && v.endsWith(operand);
}

function compileWildcard(operand: unknown, path: Path, problems: Problems): ScalarTest | undefined {
  if (!isString(operand)) return problems.add(path, 'wildcard match pattern must be a string');
  const parsed = parseWildcard(operand);
  if ('error' in parsed) return problems.add(path, parsed.error);
  return (v: unknown) => typeof v === 'string' && matchWildcard(parsed, v);
}

/** A numeric expression: `[op, n]`, or a lower bound `[">" | ">=", n, "<" | "<=", m]`. */
function compileNumeric(operand: unknown, path: Path, problems: Problems): ScalarTest | undefined {
  if (!Array.isArray(operand)) return problems.add(path, 'Value of numeric must be an array.');
  const at = (i: number): Path => (i < operand.length ? [...path, i] : path);
  const numberAt = (i: number, op: string): number | undefined => {
    const value: unknown = operand[i];
    if (typeof value !== 'number')
      return problems.add(at(i), `Value of ${op === '=' ? 'equals' : op} must be numeric`);
    const problem = patternNumberProblem(value);
    if (problem !== undefined) return problems.add(at(i), problem);
    return comparableKey(value);
  };
  const op: unknown = operand[0];
  if (!isString(op))
    return problems.add(
      at(0),
      `Invalid member in numeric match: ${operand.length === 0 ? ']' : tokenText(op)}`,
    );
  if (!['=', '<', '<=', '>', '>='].includes(op))
    return problems.add(at(0), `Unrecognized numeric range operator: ${op}`);
  const first = numberAt(1, op);
  if (first === undefined) return undefined;
  let low = MIN_KEY;
  let lowOpen = false;
  let high = MAX_KEY;
  let highOpen = false;
  if (op === '=' || op === '<' || op === '<=') {
    if (operand.length > 2) return problems.add(at(2), 'Too many elements in numeric expression');
    if (op === '=') return (v: unknown) => typeof v === 'number' && comparableKey(v) === first;
    high = first;
    highOpen = op === '<';
  } else {
    low = first;
    lowOpen = op === '>';
    if (operand.length > 2) {
      const op2: unknown = operand[2];
      if (!isString(op2)) return problems.add(at(2), `Bad value in numeric range: ${tokenText(op2)}`);
      if (op2 !== '<' && op2 !== '<=') return problems.add(at(2), `Bad numeric range operator: ${op2}`);
      const second = numberAt(3, op2);
      if (second === undefined) return undefined;
      if (operand.length > 4) return problems.add(at(4), 'Too many terms in numeric range expression');
      high = second;
      highOpen = op2 === '<';
    }
  }
  if (low >= high) return problems.add(path, 'Bottom must be less than top');
  return (v: unknown) => {
    if (typeof v !== 'number') return false;
    const key = comparableKey(v);
    if (key === undefined) return false;
    return (lowOpen ? key > low : key >= low) && (highOpen ? key < high : key <= high);
  };
}

function compileCidr(operand: unknown, path: Path, problems: Problems): ScalarTest | undefined {
  if (!isString(operand)) return problems.add(path, 'cidr match pattern must be a string');
  const range = parseCidr(operand);
  if ('error' in range) return problems.add(path, range.error);
  return (v: unknown) => typeof v === 'string' && matchCidr(range, v);
}

/** The nested form, `{"anything-but": {"prefix" | "suffix" | "equals-ignore-case" | "wildcard": x | [x...]}}`. */
function compileAnythingButOf(operand: Record<string, unknown>, path: Path, problems: Problems) {
  const entry = singleKey(operand, path, problems, 'Anything-But expression name not found');
  if (entry === undefined) return undefined;
  const [name, value] = entry;
  const innerPath = [...path, name];
  if (!ANYTHING_BUT_OPERATORS.includes(name)) {
    return problems.add(
      innerPath,
      `Unsupported anything-but pattern: ${name}${didYouMean(name, ANYTHING_BUT_OPERATORS)}`,
    );
  }
  const values: unknown[] = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0)
    return problems.add(innerPath, 'Empty arrays are not allowed');
  const tests: ScalarTest[] = [];
  for (const [i, item] of values.entries()) {
    const itemPath = Array.isArray(value) ? [...innerPath, i] : innerPath;
    if (typeof item !== 'string') {
      if (typeof item !== 'number') {
        problems.add(itemPath, 'Value of anything-but must be an array or single string/number value.');
      } else if (name === 'equals-ignore-case') {
        problems.add(
          itemPath,
          'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        );
      } else {
        problems.add(
          itemPath,
          `${name === 'wildcard' ? 'wildcard' : 'prefix/suffix'} match pattern must be a string`,
        );
      }
      continue;
    }
    if ((name === 'prefix' || name === 'suffix') && item === '') {
      problems.add(itemPath, 'Null prefix/suffix not allowed');
      continue;
    }
    let test: ScalarTest | undefined;
    if (name === 'wildcard') test = compileWildcard(item, itemPath, problems);
    else if (name === 'equals-ignore-case') test = ignoreCaseTest(item, 'whole');
    else test = compileAffix(name === 'prefix' ? 'prefix' : 'suffix', item, itemPath, problems);
    if (test !== undefined) tests.push(test);
  }
  if (tests.length !== values.length) return undefined;
  return (v: unknown) => !tests.some((t) => t(v));
}

/** `anything-but`: a string, a number, a list of only strings or only numbers, or the nested form. */
function compileAnythingBut(operand: unknown, path: Path, problems: Problems): ScalarTest | undefined {
  if (isRecord(operand)) return compileAnythingButOf(operand, path, problems);
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    return problems.add(path, 'Value of anything-but must be an array or single string/number value.');
  }
  const values: unknown[] = Array.isArray(operand) ? operand : [operand];
  const strings = new Set<string>();
  const keys = new Set<number>();
  let failed = false;
  for (const [i, item] of values.entries()) {
    const itemPath = Array.isArray(operand) ? [...path, i] : path;
    if (typeof item === 'string') strings.add(item);
    else if (typeof item === 'number') {
      const problem = patternNumberProblem(item);
      if (problem === undefined) keys.add(comparableKey(item) ?? Number.NaN);
      else {
        problems.add(itemPath, problem);
        failed = true;
      }
    } else {
      problems.add(itemPath, 'Inside anything but list, start|null|boolean is not supported.');
      failed = true;
    }
  }
  if (failed) return undefined;
  if (strings.size > 0 === keys.size > 0) {
    return problems.add(
      path,
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  if (strings.size > 0) return (v: unknown) => typeof v !== 'string' || !strings.has(v);
  return (v: unknown) => {
    if (typeof v !== 'number') return true;
    const key = comparableKey(v);
    return key === undefined || !keys.has(key);
  };
}

/** Compiles `{"<operator>": operand}` found at `path`; pushes problems and returns undefined when invalid. */
export function compileExpression(
  expression: Record<string, unknown>,
  path: Path,
  problemList: PatternProblem[],
): Expression | undefined {
  const problems = new Problems(problemList);
  const entry = singleKey(expression, path, problems, 'Match expression name not found');
  if (entry === undefined) return undefined;
  const [name, operand] = entry;
  const at = [...path, name];
  let test: ScalarTest | undefined;
  switch (name) {
    case 'exists':
      if (typeof operand !== 'boolean')
        return problems.add(at, 'exists match pattern must be either true or false.');
      return { kind: 'exists', exists: operand };
    case 'prefix':
    case 'suffix':
      test = compileAffix(name, operand, at, problems);
      break;
    case 'equals-ignore-case':
      if (!isString(operand)) return problems.add(at, 'equals-ignore-case match pattern must be a string');
      test = ignoreCaseTest(operand, 'whole');
      break;
    case 'wildcard':
      test = compileWildcard(operand, at, problems);
      break;
    case 'numeric':
      test = compileNumeric(operand, at, problems);
      break;
    case 'cidr':
      test = compileCidr(operand, at, problems);
      break;
    case 'anything-but':
      test = compileAnythingBut(operand, at, problems);
      break;
    default:
      return problems.add(at, `Unrecognized match type ${name}${didYouMean(name, OPERATORS)}`);
  }
  return test === undefined ? undefined : { kind: 'test', test };
}
