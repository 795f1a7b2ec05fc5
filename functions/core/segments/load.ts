import { cyclesOf } from '../collections/strongly-connected.ts';
import { type Locate, parseConfigFile } from '../diagnostics/config-file.ts';
import {
  didYouMean,
  formatPath,
  type PathSegment,
  type Problem,
  sortProblems,
} from '../diagnostics/problem.ts';
import { parseSource } from '../diagnostics/yaml-source.ts';
import { valueAt } from '../diagnostics/zod-problems.ts';
import { compilePattern } from '../patterns/index.ts';
import { SEGMENT_SOURCE, Segment } from './schema.ts';

export type SegmentFile = { file: string; text: string };
export type LoadedSegment = { file: string; segment: Segment };
export type SegmentSetResult = { segments: LoadedSegment[]; problems: Problem[] };

type Reference = { path: PathSegment[]; target: string };

/** The segments a segment refers to, with the path of each reference. */
function referencesOf(segment: Segment): Reference[] {
  return [
    ...(segment.when?.segment ? [{ path: ['when', 'segment'], target: segment.when.segment }] : []),
    ...(segment.include ?? []).map((target, i) => ({ path: ['include', i], target })),
    ...(segment.exclude ?? []).map((target, i) => ({ path: ['exclude', i], target })),
  ];
}

/** What the schema cannot say about one segment: its patterns, and that it has no trigger event. */
function checkSegment(segment: Segment, locate: Locate): Problem[] {
  const problems: Problem[] = [];
  if (segment.when?.trigger)
    problems.push(
      locate(['when', 'trigger'], 'a segment has no trigger event: use profile, stages, history or segment'),
    );
  const patterns: [PathSegment[], unknown][] = [
    [['when', 'profile'], segment.when?.profile],
    [['when', 'history', 'event'], segment.when?.history?.event],
  ];
  for (const [path, pattern] of patterns) {
    if (pattern === undefined) continue;
    const compiled = compilePattern(pattern);
    if (!compiled.ok)
      for (const p of compiled.problems)
        problems.push(locate([...path, ...p.path], `invalid pattern: ${p.message}`));
  }
  return problems;
}

/**
 * Loads the segment files (journeys/segments/*.yaml) and checks them together: every problem with its
 * file:line:column, ids used twice, references to unknown segments, and include/exclude cycles. Only a set
 * without problems is returned: a segment evaluated without the segments it refers to would be wrong.
 */
export function loadSegmentSet(files: readonly SegmentFile[]): SegmentSetResult {
  const problems: Problem[] = [];
  const loaded: (LoadedSegment & { locate: Locate })[] = [];
  const owner = new Map<string, string>();
  for (const { file, text } of files) {
    const parsed = parseConfigFile(Segment, file, text);
    problems.push(...parsed.problems);
    if (!parsed.value) continue;
    const segment = parsed.value;
    problems.push(...checkSegment(segment, parsed.locate));
    const first = owner.get(segment.id);
    if (first !== undefined) {
      problems.push(parsed.locate(['id'], `segment id "${segment.id}" is already used by ${first}`));
      continue;
    }
    owner.set(segment.id, file);
    loaded.push({ file, segment, locate: parsed.locate });
  }
  const ids = [...owner.keys()];
  const byId = new Map(loaded.map((l) => [l.segment.id, l]));
  for (const { segment, locate } of loaded)
    for (const ref of referencesOf(segment))
      if (!owner.has(ref.target))
        problems.push(locate(ref.path, `unknown segment "${ref.target}"${didYouMean(ref.target, ids)}`));
  const edges = (id: string): Reference[] => {
    const segment = byId.get(id)?.segment;
    return segment ? referencesOf(segment) : [];
  };
  for (const cycle of cyclesOf(ids, (id) => edges(id).map((r) => r.target))) {
    const first = byId.get(cycle[0] ?? '');
    const next = cycle[1] ?? cycle[0];
    const ref = first ? edges(first.segment.id).find((r) => r.target === next) : undefined;
    if (first && ref)
      problems.push(
        first.locate(
          ref.path,
          `segments refer to each other in a cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
        ),
      );
  }
  if (problems.length > 0) return { segments: [], problems: sortProblems(problems) };
  return { segments: loaded.map(({ file, segment }) => ({ file, segment })), problems: [] };
}

/**
 * The segment ids a journey's conditions name (`audience.segment`, a branch's `when.segment`...) that are not
 * segments, at their file:line:column. Read from the raw document, as the journey checks read it.
 */
export function unknownSegmentReferences(
  journeyFiles: readonly SegmentFile[],
  segmentIds: readonly string[],
): Problem[] {
  const known = new Set(segmentIds);
  const problems: Problem[] = [];
  for (const { file, text } of journeyFiles) {
    const source = parseSource(text);
    if (source.syntaxErrors.length > 0) continue;
    for (const path of conditionSegmentPaths(source.value, [])) {
      const target = valueAt(source.value, path);
      if (typeof target !== 'string' || known.has(target)) continue;
      problems.push({
        file,
        ...source.positionOf(path),
        path: formatPath(path),
        message: `unknown segment "${target}"${didYouMean(target, [...known])}; segments are the files in segments/ beside the journeys`,
      });
    }
  }
  return sortProblems(problems);
}

/**
 * The paths of the segment ids a document names: the `segment` of a condition (under an `audience` or a
 * `when`), and the ids a pattern on segment events (source `cairn.segments`: a trigger, an exit) matches.
 */
function conditionSegmentPaths(node: unknown, path: PathSegment[]): PathSegment[][] {
  if (Array.isArray(node)) return node.flatMap((item, i) => conditionSegmentPaths(item, [...path, i]));
  if (node === null || typeof node !== 'object') return [];
  const found: PathSegment[][] = [];
  const last = path.at(-1);
  if ((last === 'audience' || last === 'when' || last === 'schedule') && 'segment' in node)
    found.push([...path, 'segment']);
  if (last === 'trigger' && typeof valueAt(node, ['segment', 'id']) === 'string')
    found.push([...path, 'segment', 'id']);
  const source = valueAt(node, ['source']);
  const ids = valueAt(node, ['detail', 'properties', 'segment']);
  if (Array.isArray(source) && source.includes(SEGMENT_SOURCE) && Array.isArray(ids))
    ids.forEach((id, i) => {
      if (typeof id === 'string') found.push([...path, 'detail', 'properties', 'segment', i]);
    });
  for (const [key, member] of Object.entries(node))
    found.push(...conditionSegmentPaths(member, [...path, key]));
  return found;
}
