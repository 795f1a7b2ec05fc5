import * as z from 'zod';
import { isRecord } from '../collections/is-record.ts';
import { ownField, setField } from '../collections/own-field.ts';
import { type Locate, parseConfigFile } from '../diagnostics/config-file.ts';
import { type PathSegment, type Problem, sortProblems } from '../diagnostics/problem.ts';
import { describeIssues, valueAt } from '../diagnostics/zod-problems.ts';
import { Policies, PolicyFields, RuleId } from './config.ts';

// Reading journeys/policies.yaml, apart from the policy schemas: the functions that only apply policies
// (feedback, deliver) then do not bundle the YAML parser.

/** The file: the base policies and, per environment, values that replace the base's. */
export const PolicyFile = z.strictObject({
  $schema: z.string().optional(),
  ...PolicyFields,
  environments: z
    .record(RuleId, z.record(z.string(), z.unknown()))
    .default({})
    .describe(
      'Per environment, keys merged over the base: mappings merge key by key, lists and values replace.',
    ),
});

/** Mappings merge key by key; anything else in the override replaces the base value. */
export function mergeOver(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override))
    setField(merged, key, mergeOver(ownField(base, key), value));
  return merged;
}

function problemsOf(
  input: unknown,
  error: z.ZodError,
  locate: Locate,
  within: (path: PathSegment[]) => PathSegment[],
): Problem[] {
  return describeIssues(Policies, input, error.issues).map((m) => locate(within(m.path), m.message, m.atKey));
}

/**
 * Parses journeys/policies.yaml and returns the policies of one environment (the base without one). Every
 * environment is checked, so a mistake in one that is not selected is still reported with file:line:column.
 */
export function loadPolicies(
  file: string,
  text: string,
  environment?: string,
): { policies?: Policies; problems: Problem[] } {
  const {
    value: parsedFile,
    problems: fileProblems,
    source,
    locate,
  } = parseConfigFile(PolicyFile, file, text);
  if (!parsedFile) return { problems: sortProblems(fileProblems) };
  const raw = isRecord(source.value) ? source.value : {};
  const { environments: _environments, $schema: _schema, ...baseRaw } = raw;
  const problems: Problem[] = [];
  const base = Policies.safeParse(baseRaw);
  if (!base.success) problems.push(...problemsOf(baseRaw, base.error, locate, (p) => p));
  let selected = base.success ? base.data : undefined;
  for (const [name, override] of Object.entries(parsedFile.environments)) {
    const merged = mergeOver(baseRaw, override);
    const result = Policies.safeParse(merged);
    if (!result.success) {
      // A problem inside the environment's own values is shown there; one it inherits, at the base.
      const within = (path: PathSegment[]) =>
        valueAt(override, path) !== undefined ? ['environments', name, ...path] : path;
      problems.push(
        ...problemsOf(merged, result.error, locate, within).filter(
          (p) => base.success || p.path.startsWith('environments.'),
        ),
      );
    }
    if (name === environment) selected = result.success ? result.data : undefined;
  }
  if (environment !== undefined && !(environment in parsedFile.environments)) {
    const known = Object.keys(parsedFile.environments);
    problems.push({
      file,
      ...source.positionOf(['environments']),
      path: 'environments',
      message: `no environment "${environment}"; ${known.length > 0 ? `expected one of ${known.join(', ')}` : 'the file defines none'}`,
    });
  }
  return problems.length === 0 && selected
    ? { policies: selected, problems }
    : { problems: sortProblems(problems) };
}
