import { reservedFieldProblems, syntaxProblems } from '../diagnostics/config-file.ts';
import { formatPath, type PathSegment, type Problem, sortProblems } from '../diagnostics/problem.ts';
import { parseSource, type SourceDocument } from '../diagnostics/yaml-source.ts';
import { describeIssues } from '../diagnostics/zod-problems.ts';
import { CallBounds } from './call-bounds.ts';
import { checkJourney } from './checks.ts';
import { Journey } from './schema.ts';

export type JourneyFile = { file: string; text: string };
export type LoadedJourney = { file: string; journey: Journey };
export type JourneySetResult = { journeys: LoadedJourney[]; problems: Problem[] };

type FileResult = { journey: Journey | undefined; problems: Problem[]; source: SourceDocument };

/** Parses one journey file (YAML or JSON) and reports every problem in it with its file:line:column. */
export function loadJourneyFile({ file, text }: JourneyFile): FileResult {
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0)
    return { journey: undefined, problems: syntaxProblems(file, source), source };
  const locate = (path: readonly PathSegment[], message: string, atKey?: string): Problem => {
    const position = atKey === undefined ? source.positionOf(path) : source.positionOfKey(path, atKey);
    return { file, ...position, path: formatPath(atKey === undefined ? path : [...path, atKey]), message };
  };
  if (typeof source.value !== 'object' || source.value === null || Array.isArray(source.value)) {
    return {
      journey: undefined,
      problems: [locate([], 'expected a journey: a mapping with id, name, trigger and steps')],
      source,
    };
  }
  const reserved = reservedFieldProblems(source, locate);
  if (reserved.length > 0) return { journey: undefined, problems: reserved, source };
  const parsed = Journey.safeParse(source.value);
  const schemaProblems = parsed.success
    ? []
    : describeIssues(Journey, source.value, parsed.error.issues).map((m) =>
        locate(m.path, m.message, m.atKey),
      );
  const checkProblems = checkJourney(source.value).map((f) => locate(f.path, f.message));
  const problems = dedupe([...schemaProblems, ...checkProblems]);
  return { journey: parsed.success && problems.length === 0 ? parsed.data : undefined, problems, source };
}

/**
 * Loads a set of journey files and adds the checks across files: one id used twice, two bounds for one call
 * target (call-bounds.ts).
 */
export function loadJourneySet(files: readonly JourneyFile[]): JourneySetResult {
  const journeys: LoadedJourney[] = [];
  const problems: Problem[] = [];
  const firstFileOfId = new Map<string, string>();
  const bounds = new CallBounds();
  for (const input of files) {
    const result = loadJourneyFile(input);
    problems.push(...result.problems);
    if (!result.journey) continue;
    const owner = firstFileOfId.get(result.journey.id);
    if (owner !== undefined) {
      const position = result.source.positionOf(['id']);
      problems.push({
        file: input.file,
        ...position,
        path: 'id',
        message: `journey id "${result.journey.id}" is already used by ${owner}`,
      });
      continue;
    }
    firstFileOfId.set(result.journey.id, input.file);
    const conflicts = bounds.add(input.file, result.journey);
    for (const { path, message } of conflicts)
      problems.push({ file: input.file, ...result.source.positionOf(path), path: formatPath(path), message });
    if (conflicts.length > 0) continue;
    journeys.push({ file: input.file, journey: result.journey });
  }
  return { journeys, problems: sortProblems(problems) };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
