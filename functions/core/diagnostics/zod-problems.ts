import * as z from 'zod';
import { didYouMean, type PathSegment } from './problem.ts';

/** A zod issue turned into words a marketer can act on, still located by path. */
export type LocatedMessage = { path: PathSegment[]; message: string; atKey?: string };

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/**
 * Unions of object forms that say themselves what is wrong with a mapping whose keys are no form's (a wait
 * step's forms: steps/kind.ts's stepForms registers them): `problem` gives the words, or undefined when the
 * mapping's keys are one form's.
 */
export const formProblems = z.registry<{ problem: (raw: unknown) => string | undefined }>();

/**
 * Rewrites zod's issues so that each says what was found and what was expected, and suggests the closest
 * allowed key or value for typos. `schema` is walked to learn which keys are allowed where.
 */
export function describeIssues(schema: Schema, input: unknown, issues: readonly Issue[]): LocatedMessage[] {
  return issues.flatMap((issue) => describeIssue(schema, input, issue, []));
}

function describeIssue(schema: Schema, input: unknown, issue: Issue, base: PathSegment[]): LocatedMessage[] {
  const path = [...base, ...issue.path.map(toSegment)];
  const found = valueAt(input, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const ofForms = describeKeysOfOtherForms(schema, input, path, issue.keys);
      if (ofForms) return ofForms;
      const allowed = allowedKeys(schema, input, path);
      return issue.keys.map((key) => ({
        path,
        atKey: key,
        message: `unknown key "${key}"${didYouMean(key, allowed)}${allowed.length > 0 && !didYouMean(key, allowed) ? `; expected one of ${allowed.join(', ')}` : ''}`,
      }));
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const shown = `expected one of ${values.join(', ')}, got ${describe(found)}`;
      return [{ path, message: typeof found === 'string' ? `${shown}${didYouMean(found, values)}` : shown }];
    }
    case 'invalid_type':
      if (found === undefined) {
        const key = path.at(-1);
        const custom = issue.message.startsWith('Invalid input') ? '' : `: ${issue.message}`;
        return [{ path: path.slice(0, -1), message: `missing required key "${String(key)}"${custom}` }];
      }
      return [{ path, message: `expected ${issue.expected}, got ${describe(found)}` }];
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
        if (found === undefined)
          return [
            {
              path: path.slice(0, -1),
              message: `missing required key "${issue.discriminator}"; expected one of ${options.join(', ')}`,
            },
          ];
        const hint = typeof found === 'string' ? didYouMean(found, options) : '';
        return [
          {
            path,
            message: `unknown ${issue.discriminator} ${describe(found)}; expected one of ${options.join(', ')}${hint}`,
          },
        ];
      }
      return describeUnion(schema, input, issue, path, found);
    }
    case 'too_small':
      if (issue.origin === 'array')
        return [
          {
            path,
            message:
              ownMessage(issue) ?? `expected at least ${issue.minimum} item(s), got ${arrayLength(found)}`,
          },
        ];
      if (issue.origin === 'string')
        return [{ path, message: ownMessage(issue) ?? `expected a non-empty string` }];
      return [
        {
          path,
          message:
            ownMessage(issue) ??
            `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}, got ${describe(found)}`,
        },
      ];
    case 'too_big':
      return [
        {
          path,
          message:
            ownMessage(issue) ??
            `expected at most ${issue.maximum}${issue.origin === 'array' ? ' item(s)' : ''}, got ${describe(found)}`,
        },
      ];
    case 'invalid_format':
      return [{ path, message: ownMessage(issue) ?? `expected ${issue.format}, got ${describe(found)}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * For a mapping at a union of object forms, see describeForms. For other unions, the branch whose complaint is
 * the most specific is the one the author most likely meant.
 */
function describeUnion(
  schema: Schema,
  input: unknown,
  issue: z.core.$ZodIssueInvalidUnion,
  path: PathSegment[],
  found: unknown,
): LocatedMessage[] {
  const branches = issue.errors;
  if (
    isMapping(found) &&
    branches.every((issues) => issues.every((i) => i.path.length > 0 || i.code !== 'invalid_type'))
  )
    return describeForms(schema, input, issue, path, found);
  const specific = branches.find(
    (issues) => issues.length > 0 && issues.every((i) => i.code !== 'invalid_type' || i.path.length > 0),
  );
  if (specific) return specific.flatMap((i) => describeIssue(schema, input, i, path));
  const expected = branches.flatMap((issues) =>
    issues.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : [])),
  );
  return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}, got ${describe(found)}` }];
}

/**
 * A mapping that is none of a union's object forms (such as a wait step's). When it has exactly one form's
 * keys, only a value is wrong: that form's problems say which. Otherwise the union's own message, when it has
 * one, says what is wrong with the combination of keys, at the mapping; with it go the problems that hold
 * whatever form was meant: keys of no form and wrong values. Without one, the closest form's problems.
 */
function describeForms(
  schema: Schema,
  input: unknown,
  issue: z.core.$ZodIssueInvalidUnion,
  path: PathSegment[],
  found: Record<string, unknown>,
): LocatedMessage[] {
  const branches = issue.errors;
  const misfits = branches.map((issues) => misfitCount(issues, found));
  const closest = misfits.indexOf(Math.min(...misfits));
  const describeBranch = (issues: readonly Issue[]) =>
    issues.flatMap((i) => describeIssue(schema, input, i, path));
  const own = formProblemAt(schema, input, path) ?? ownMessage(issue);
  if (misfits[closest] === 0 || own === undefined) return describeBranch(branches[closest] ?? []);
  const inNoForm = [...unknownKeys(branches[0] ?? [])].filter((key) =>
    branches.every((issues) => unknownKeys(issues).has(key)),
  );
  const values = branches.flatMap((issues) => issues.filter((i) => !isShapeIssue(i, found)));
  const messages = [
    { path, message: own },
    ...describeUnknownKeys(schema, input, path, inNoForm),
    ...describeBranch(values),
  ];
  return messages.filter(
    (m, i) => messages.findIndex((o) => o.message === m.message && samePath(o.path, m.path)) === i,
  );
}

/**
 * Keys that zod found unknown to the one form a mapping was closest to, when some of them belong to another
 * form of a union that words its own problems: its words, at the mapping, and the keys of no form. Undefined
 * otherwise.
 */
function describeKeysOfOtherForms(
  schema: Schema,
  input: unknown,
  path: PathSegment[],
  keys: readonly string[],
): LocatedMessage[] | undefined {
  const known = keysOfAnyForm(schema, input, path);
  const problem = keys.some((key) => known.includes(key)) ? formProblemAt(schema, input, path) : undefined;
  if (problem === undefined) return undefined;
  const unknown = keys.filter((key) => !known.includes(key));
  return [{ path, message: problem }, ...describeUnknownKeys(schema, input, path, unknown)];
}

/** Keys that no form of the object at `path` allows, each with the closest key any form allows. */
function describeUnknownKeys(
  schema: Schema,
  input: unknown,
  path: PathSegment[],
  keys: readonly string[],
): LocatedMessage[] {
  const known = keysOfAnyForm(schema, input, path);
  return keys.map((key) => ({ path, atKey: key, message: `unknown key "${key}"${didYouMean(key, known)}` }));
}

/** A key the mapping has and the form does not, or one the form requires and the mapping lacks. */
function isShapeIssue(issue: Issue, found: Record<string, unknown>): boolean {
  if (issue.code === 'unrecognized_keys') return issue.path.length === 0;
  return (
    issue.code === 'invalid_type' &&
    issue.path.length === 1 &&
    valueAt(found, issue.path.map(toSegment)) === undefined
  );
}

/** How far a mapping is from a form: the keys it has that the form does not, and the required keys it lacks. */
function misfitCount(issues: readonly Issue[], found: Record<string, unknown>): number {
  return issues
    .filter((i) => isShapeIssue(i, found))
    .reduce((count, i) => count + (i.code === 'unrecognized_keys' ? i.keys.length : 1), 0);
}

function unknownKeys(issues: readonly Issue[]): Set<string> {
  return new Set(
    issues.flatMap((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : [])),
  );
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownMessage(issue: Issue): string | undefined {
  return issue.message.startsWith('Too ') || issue.message.startsWith('Invalid ') ? undefined : issue.message;
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === 'number' ? key : String(key);
}

export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, segment);
  }
  return current;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** The keys the schema allows for the object at `path`: those of the form the object is closest to. */
export function allowedKeys(schema: Schema, input: unknown, path: readonly PathSegment[]): string[] {
  const at = schemaAt(schema, input, path);
  const target = at ? unwrap(at, valueAt(input, path)) : undefined;
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** What a union registered in `formProblems` says about the mapping at `path`, when it is one of its forms. */
function formProblemAt(schema: Schema, input: unknown, path: readonly PathSegment[]): string | undefined {
  const at = schemaAt(schema, input, path);
  const value = valueAt(input, path);
  const find = (option: Schema): string | undefined => {
    const inner = unwrapOptional(option);
    const registered = formProblems.get(inner);
    if (registered && objectForms(inner, value).some((form) => hasTypeOf(form, value)))
      return registered.problem(value);
    if (!(inner instanceof z.ZodUnion)) return undefined;
    for (const nested of inner.options) {
      const found = find(nested);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return at ? find(at) : undefined;
}

/** The keys any form of the object at `path` allows. */
function keysOfAnyForm(schema: Schema, input: unknown, path: readonly PathSegment[]): string[] {
  const at = schemaAt(schema, input, path);
  const forms = at ? objectForms(at, valueAt(input, path)) : [];
  return [...new Set(forms.flatMap((form) => Object.keys(form.shape)))];
}

/** The schema at `path`: the unions on the way resolved by the input's values, the one at `path` left whole. */
function schemaAt(schema: Schema, input: unknown, path: readonly PathSegment[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (let i = 0; i < path.length && current; i++) {
    const here = unwrap(current, valueAt(input, path.slice(0, i)));
    const segment = path[i];
    if (here instanceof z.ZodObject && typeof segment === 'string') current = here.shape[segment];
    else if (here instanceof z.ZodArray && typeof segment === 'number') current = here.element;
    else if (here instanceof z.ZodRecord) current = here.valueType;
    else return undefined;
  }
  return current;
}

function unwrap(schema: Schema, value: unknown): Schema {
  const current = unwrapOptional(schema);
  if (!(current instanceof z.ZodUnion)) return current;
  const forms = objectForms(current, value);
  return forms.find((o) => o.safeParse(value).success) ?? closestForm(forms, value) ?? current;
}

/**
 * The schema inside optional, default, nullable and lazy wrappers. The journey language's object and union
 * schemas are lazy (built on first use, so that a function's cold start does not build them), and the walk
 * must see the same objects and unions as without the wrapper.
 */
function unwrapOptional(schema: Schema): Schema {
  let current: Schema = schema;
  for (let guard = 0; guard < 10; guard++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodLazy
    ) {
      current = current.unwrap();
    } else return current;
  }
  return current;
}

/**
 * The object forms a value at a union may be meant as: its object options, those of nested unions included,
 * and of those, the ones whose `type` is the value's when there are such.
 */
function objectForms(schema: Schema, value: unknown): z.ZodObject[] {
  const objects: z.ZodObject[] = [];
  const collect = (option: Schema): void => {
    const inner = unwrapOptional(option);
    if (inner instanceof z.ZodObject) objects.push(inner);
    else if (inner instanceof z.ZodUnion) for (const nested of inner.options) collect(nested);
  };
  collect(unwrapOptional(schema));
  const typed = objects.filter((option) => hasTypeOf(option, value));
  return typed.length > 0 ? typed : objects;
}

/** Whether a form's constant `type` is the value's. */
function hasTypeOf(form: z.ZodObject, value: unknown): boolean {
  const literal = form.shape.type;
  const type = valueAt(value, ['type']);
  return literal instanceof z.ZodLiteral && [...literal.values].some((allowed) => allowed === type);
}

/** The form with the fewest keys the value has and the form does not, or the form requires and the value lacks. */
function closestForm(forms: readonly z.ZodObject[], value: unknown): z.ZodObject | undefined {
  const keys = isMapping(value) ? Object.keys(value) : [];
  const misfit = (form: z.ZodObject) =>
    keys.filter((key) => !(key in form.shape)).length +
    Object.entries(form.shape).filter(
      ([key, field]) => !keys.includes(key) && !field.safeParse(undefined).success,
    ).length;
  let best: z.ZodObject | undefined;
  for (const form of forms) if (!best || misfit(form) < misfit(best)) best = form;
  return best;
}
