import { closest, distance } from 'fastest-levenshtein';

/** A problem found in a file a person wrote, located precisely enough to jump to it in an editor. */
export type Problem = {
  file: string;
  line: number;
  column: number;
  /** Where inside the document, e.g. `steps[2].next`. Empty for the document itself. */
  path: string;
  message: string;
};

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function formatProblem(problem: Problem): string {
  const where = problem.path === '' ? '' : `${problem.path}: `;
  return `${problem.file}:${problem.line}:${problem.column} ${where}${problem.message}`;
}

/** Orders problems as an editor lists them: by file, then position. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/**
 * A "did you mean" hint for a misspelt name. Only offered when the candidate is plausibly what was meant:
 * within two edits, or a third of the word for long words. Two, because swapping two letters ("emial")
 * costs two edits.
 */
export function didYouMean(found: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(found, [...candidates]);
  const limit = Math.max(2, Math.floor(Math.max(found.length, best.length) / 3));
  return distance(found, best) <= limit ? `; did you mean "${best}"?` : '';
}
