import { parseArgs } from 'node:util';
import { isRecord } from '../../core/collections/is-record.ts';
import { compilePattern, formatPatternProblems, matchesPattern } from '../../core/patterns/index.ts';
import type { CliIo } from '../io.ts';

export const testPatternUsage = `Usage: cairn test-pattern --pattern p.json --event e.json
       cairn test-pattern --cases cases.jsonl

Tests EventBridge event patterns the way EventBridge's TestEventPattern does (see docs/patterns.md).
  --pattern FILE --event FILE   print true or false; an invalid pattern lists its problems (exit 2)
  --cases FILE                  one {"pattern": ..., "event": ...} per line; prints one JSON line per case:
                                {"match":true}, {"match":false} or {"error":"..."}; blank lines are skipped`;

type Json = { ok: true; value: unknown } | { ok: false; message: string };

function parseJson(text: string): Json {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

async function readJson(path: string, io: CliIo): Promise<Json> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `cairn test-pattern: cannot read ${path}: ${reason}` };
  }
  const parsed = parseJson(text);
  return parsed.ok
    ? parsed
    : { ok: false, message: `cairn test-pattern: ${path} is not valid JSON: ${parsed.message}` };
}

/** One line of a cases file, answered as one JSON line. */
function runCase(line: string, lineNumber: number): string {
  const parsed = parseJson(line);
  if (!parsed.ok) return JSON.stringify({ error: `line ${lineNumber}: invalid JSON: ${parsed.message}` });
  const testCase = parsed.value;
  if (!isRecord(testCase) || !Object.hasOwn(testCase, 'pattern') || !Object.hasOwn(testCase, 'event')) {
    return JSON.stringify({ error: `line ${lineNumber}: expected an object with "pattern" and "event"` });
  }
  const compiled = compilePattern(testCase.pattern);
  if (!compiled.ok) {
    return JSON.stringify({
      error: `line ${lineNumber}: invalid pattern: ${formatPatternProblems(compiled.problems).join('; ')}`,
    });
  }
  return JSON.stringify({ match: matchesPattern(compiled.pattern, testCase.event) });
}

async function runCases(path: string, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    io.stderr(
      `cairn test-pattern: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    io.stdout(runCase(line, index + 1));
  }
  return 0;
}

/**
 * `cairn test-pattern`: exit 0 with `true`/`false` (or one JSON line per case), 2 for an invalid pattern, a file
 * that cannot be read or parsed, or bad usage.
 */
export async function testPatternCommand(args: string[], io: CliIo): Promise<number> {
  let values: { pattern?: string | undefined; event?: string | undefined; cases?: string | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { pattern: { type: 'string' }, event: { type: 'string' }, cases: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(
      `cairn test-pattern: ${error instanceof Error ? error.message : String(error)}\n\n${testPatternUsage}`,
    );
    return 2;
  }
  const { pattern, event, cases } = values;
  if (cases !== undefined && pattern === undefined && event === undefined) return runCases(cases, io);
  if (cases !== undefined || pattern === undefined || event === undefined) {
    io.stderr(testPatternUsage);
    return 2;
  }

  const patternJson = await readJson(pattern, io);
  if (!patternJson.ok) {
    io.stderr(patternJson.message);
    return 2;
  }
  const eventJson = await readJson(event, io);
  if (!eventJson.ok) {
    io.stderr(eventJson.message);
    return 2;
  }
  const compiled = compilePattern(patternJson.value);
  if (!compiled.ok) {
    for (const line of formatPatternProblems(compiled.problems)) io.stderr(line);
    return 2;
  }
  io.stdout(String(matchesPattern(compiled.pattern, eventJson.value)));
  return 0;
}
