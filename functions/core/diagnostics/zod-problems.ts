import * as z from 'zod';
import { didYouMean, type PathSegment } from './problem.ts';

/** A zod issue turned into words a marketer can act on, still located by path. */
export type LocatedMessage = { path: PathSegment[]; message: string; atKey?: string };

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

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
      return describeUnion(schema, input, issue.errors, path, found);
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

/** For a union, the branch whose complaint is the most specific is the one the author most likely meant. */
function describeUnion(
  schema: Schema,
  input: unknown,
  branches: readonly (readonly Issue[])[],
  path: PathSegment[],
  found: unknown,
): LocatedMessage[] {
  const specific = branches.find(
    (issues) => issues.length > 0 && issues.every((i) => i.code !== 'invalid_type' || i.path.length > 0),
  );
  if (specific) return specific.flatMap((issue) => describeIssue(schema, input, issue, path));
  const expected = branches.flatMap((issues) =>
    issues.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : [])),
  );
  return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}, got ${describe(found)}` }];
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

/** The keys the schema allows for the object at `path`, resolving optional, default and union wrappers. */
export function allowedKeys(schema: Schema, input: unknown, path: readonly PathSegment[]): string[] {
  const target = schemaAt(schema, input, path);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function schemaAt(schema: Schema, input: unknown, path: readonly PathSegment[]): Schema | undefined {
  let current: Schema | undefined = unwrap(schema, valueAt(input, []));
  for (let i = 0; i < path.length && current; i++) {
    const segment = path[i];
    const here = valueAt(input, path.slice(0, i + 1));
    if (current instanceof z.ZodObject && typeof segment === 'string') current = current.shape[segment];
    else if (current instanceof z.ZodArray && typeof segment === 'number') current = current.element;
    else if (current instanceof z.ZodRecord) current = current.valueType;
    else return undefined;
    current = current ? unwrap(current, here) : undefined;
  }
  return current;
}

function unwrap(schema: Schema, value: unknown): Schema {
  let current: Schema = schema;
  for (let guard = 0; guard < 10; guard++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodDiscriminatedUnion || current instanceof z.ZodUnion) {
      const options: readonly Schema[] = current.options;
      const objectOptions = options.filter((o) => o instanceof z.ZodObject);
      const chosen =
        objectOptions.find((o) => o.safeParse(value).success) ?? pickByDiscriminator(objectOptions, value);
      if (!chosen) return current;
      current = chosen;
    } else return current;
  }
  return current;
}

function pickByDiscriminator(options: readonly z.ZodObject[], value: unknown): z.ZodObject | undefined {
  const type = valueAt(value, ['type']);
  return options.find((option) => {
    const literal = option.shape.type;
    return literal instanceof z.ZodLiteral && [...literal.values].some((allowed) => allowed === type);
  });
}
