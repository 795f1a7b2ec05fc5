import type * as z from 'zod';
import { PROTO_KEY, PROTO_REFUSED, protoFieldPaths } from '../collections/own-field.ts';
import { formatPath, type PathSegment, type Problem } from './problem.ts';
import { parseSource, type SourceDocument } from './yaml-source.ts';
import { describeIssues } from './zod-problems.ts';

export type Locate = (path: readonly PathSegment[], message: string, atKey?: string) => Problem;

export type ParsedConfigFile<T> = {
  /** Set only when the file parsed and matched the schema. */
  value?: T;
  problems: Problem[];
  source: SourceDocument;
  /** Turns a path inside the file into a problem at its file:line:column, for checks beyond the schema. */
  locate: Locate;
};

/**
 * Every YAML or JSON file a user writes (journeys, journey tests, lifecycle and policy configuration) is read
 * the same way, so every one of them reports syntax and schema problems at file:line:column with a path.
 */
export function parseConfigFile<S extends z.ZodType>(
  schema: S,
  file: string,
  text: string,
): ParsedConfigFile<z.output<S>> {
  const source = parseSource(text);
  const locate: Locate = (path, message, atKey) => {
    const position = atKey === undefined ? source.positionOf(path) : source.positionOfKey(path, atKey);
    return { file, ...position, path: formatPath(atKey === undefined ? path : [...path, atKey]), message };
  };
  if (source.syntaxErrors.length > 0) return { problems: syntaxProblems(file, source), source, locate };
  const reserved = reservedFieldProblems(source, locate);
  if (reserved.length > 0) return { problems: reserved, source, locate };
  const parsed = schema.safeParse(source.value);
  if (parsed.success) return { value: parsed.data, problems: [], source, locate };
  const problems = describeIssues(schema, source.value, parsed.error.issues).map((m) =>
    locate(m.path, m.message, m.atKey),
  );
  return { problems, source, locate };
}

/** A field named `__proto__`, which the schema would drop without a word, as a problem at its key. */
export function reservedFieldProblems(source: SourceDocument, locate: Locate): Problem[] {
  return protoFieldPaths(source.value).map((path) => locate(path.slice(0, -1), PROTO_REFUSED, PROTO_KEY));
}

/** The YAML or JSON syntax errors of a file, as problems at their file:line:column. */
export function syntaxProblems(file: string, source: SourceDocument): Problem[] {
  return source.syntaxErrors.map((e) => ({
    file,
    line: e.line,
    column: e.column,
    path: '',
    message: `syntax error: ${e.message}`,
  }));
}
