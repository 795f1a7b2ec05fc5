import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCampaignFiles } from '../../adapters/files/campaign-files.ts';
import { readJourneyFiles } from '../../adapters/files/journey-files.ts';
import { readSegmentFiles } from '../../adapters/files/segment-files.ts';
import { loadSettingsFiles } from '../../adapters/files/settings-files.ts';
import { readTemplateFiles } from '../../adapters/files/template-files.ts';
import { withCampaigns } from '../../core/campaigns/load.ts';
import { formatProblem, type Problem, sortProblems } from '../../core/diagnostics/problem.ts';
import { describeJourney } from '../../core/journeys/describe.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import { loadSegmentSet, unknownSegmentReferences } from '../../core/segments/load.ts';
import { checkJourneyTemplates, checkTemplates } from '../../core/templates/check.ts';
import { templateNeeds } from '../../core/templates/needs.ts';
import { loadTemplateSet } from '../../core/templates/template-files.ts';
import type { CliIo } from '../io.ts';

export const validateUsage = `Usage: cairn validate [paths...] [--templates DIR] [--quiet]

Checks journey files (YAML or JSON) and lists every problem with file:line:column.
Paths default to journeys/. A folder contributes the journey files directly inside it, and its
lifecycle.yaml and policies.yaml when present (policies: the base values and every environment).
Also checks the message templates (Liquid syntax, filters, every variable reference) and that every
send step's template exists with content for the step's channels, then renders each send step's template,
on each of its channels and locales, with only what every send has, and notes each value it needs that a
customer or an event may lack (a trait, an event property): a send without it fails.
  --templates DIR  the templates folder; default: templates/ beside the first path (journeys/templates)
  --quiet          print only problems and the summary, not what each journey does`;

/** `cairn validate`: exit 0 when every file is valid, 1 when any problem is found, 2 for bad usage. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { quiet: { type: 'boolean', default: false }, templates: { type: 'string' } },
    strict: true,
  });
  const paths = positionals.length > 0 ? positionals : ['journeys'];
  const { files, missing } = await readJourneyFiles(paths);
  for (const path of missing) io.stderr(`cairn validate: no such file or folder: ${path}`);
  if (missing.length > 0) return 2;
  if (files.length === 0) {
    io.stderr(`cairn validate: no journey files (.yaml, .yml, .json) in ${paths.join(', ')}`);
    return 2;
  }
  const campaignFiles = await readCampaignFiles(paths[0] ?? 'journeys');
  const loaded = withCampaigns(loadJourneySet(files), campaignFiles);
  const templatesDir = values.templates ?? (await defaultTemplatesDir(paths[0] ?? 'journeys'));
  const templateSet = loadTemplateSet(await readTemplateFiles(templatesDir));
  const { journeys } = loaded;
  const segmentSet = loadSegmentSet(await readSegmentFiles(paths[0] ?? 'journeys'));
  const problems = sortProblems([
    ...loaded.problems,
    ...segmentSet.problems,
    ...(segmentSet.problems.length === 0
      ? unknownSegmentReferences(
          [...files, ...campaignFiles],
          segmentSet.segments.map((s) => s.segment.id),
        )
      : []),
    ...(await settingsProblems(paths)),
    ...templateSet.problems,
    ...checkTemplates(templateSet.templates.values()),
    ...journeys.flatMap(({ journey, file }) =>
      checkJourneyTemplates(
        { file, text: files.find((f) => f.file === file)?.text ?? '' },
        journey,
        templateSet.templates,
        templatesDir,
      ),
    ),
  ]);
  for (const problem of problems) io.stderr(formatProblem(problem));
  if (!values.quiet) {
    for (const { journey, file } of journeys) io.stdout(`${describeJourney(journey, file).join('\n')}\n`);
  }
  if (problems.length === 0)
    for (const need of templateNeeds(
      journeys.map((j) => j.journey),
      templateSet.templates,
    ))
      io.stdout(
        `note: ${need.where}: ${need.journeyId}/${need.stepId} needs ${need.variable}; a send without it fails (template-missing-variable)`,
      );
  const badFiles = new Set(problems.map((p) => p.file)).size;
  // A folder's segments are checked with it (a journey file alone is only checked against them).
  const folderGiven = (await stat(paths[0] ?? 'journeys').catch(() => undefined))?.isDirectory() === true;
  const segmentsChecked =
    folderGiven && (segmentSet.segments.length > 0 || segmentSet.problems.length > 0)
      ? ` and ${new Set([...segmentSet.segments.map((s) => s.file), ...segmentSet.problems.map((p) => p.file)]).size} segment file(s)`
      : '';
  const campaignsChecked = campaignFiles.length > 0 ? `, ${campaignFiles.length} campaign file(s)` : '';
  const summary = `${files.length} journey file(s)${campaignsChecked}${segmentsChecked} checked: ${journeys.length} valid, ${problems.length} problem(s) in ${badFiles} file(s)`;
  if (problems.length > 0) {
    io.stderr(summary);
    return 1;
  }
  io.stdout(summary);
  return 0;
}

/**
 * The problems of lifecycle.yaml and policies.yaml in each folder among the paths (a journey file given alone
 * brings none). No environment is selected: the base values apply, and every environment is checked anyway.
 */
async function settingsProblems(paths: readonly string[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const path of paths) {
    if (!(await stat(path).catch(() => undefined))?.isDirectory()) continue;
    const settings = await loadSettingsFiles(path, undefined);
    if (!settings.ok) problems.push(...settings.problems);
  }
  return problems;
}

/** The templates folder beside the journeys: `journeys/templates` for `journeys` or `journeys/welcome.yaml`. */
async function defaultTemplatesDir(firstPath: string): Promise<string> {
  const info = await stat(firstPath).catch(() => undefined);
  return join(info?.isDirectory() ? firstPath : dirname(firstPath), 'templates');
}
