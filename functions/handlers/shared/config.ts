import { join } from 'node:path';
import { readCampaignFiles } from '../../adapters/files/campaign-files.ts';
import { readJourneyFiles } from '../../adapters/files/journey-files.ts';
import { readSegmentFiles } from '../../adapters/files/segment-files.ts';
import { loadSettingsFiles } from '../../adapters/files/settings-files.ts';
import { readTemplateFiles } from '../../adapters/files/template-files.ts';
import { withCampaigns } from '../../core/campaigns/load.ts';
import type { PathSegment } from '../../core/diagnostics/problem.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import { compileLifecycle } from '../../core/lifecycle/lifecycle-model.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import { loadSegmentSet, unknownSegmentReferences } from '../../core/segments/load.ts';
import type { LoadedTemplate } from '../../core/templates/load.ts';
import { loadTemplateSet } from '../../core/templates/template-files.ts';
import { ConfigError, pathKey, runtimeConfigOf } from './compiled-config.ts';
import { COMPILED_FORMAT } from './compiled-digest.ts';
import type { CompiledConfig, CompiledTemplate } from './compiled-schema.ts';

/**
 * Reads and compiles the journeys folder: its journey files, and beside them lifecycle.yaml and policies.yaml
 * when present, and the templates. Without a policies file no policy applies, but the send ledger still does.
 * `cdk synth` writes the result into the bundles (functions/handlers/shared/compiled-config.ts); the CLI, the
 * local stack and the tests load a folder through it too, so every one of them runs what the functions run.
 */
export async function compileConfigFolder(
  folder: string,
  environment: string | undefined,
): Promise<CompiledConfig> {
  // The same reader as `cairn validate`, so a function loads exactly the files the CLI checks.
  const { files, missing } = await readJourneyFiles([folder]);
  if (missing.length > 0) throw new Error(`the journeys folder ${folder} does not exist (CAIRN_CONFIG_DIR)`);
  const campaignFiles = await readCampaignFiles(folder);
  const { journeys, problems } = withCampaigns(loadJourneySet(files), campaignFiles);
  if (problems.length > 0) throw new ConfigError(problems);
  const segmentSet = loadSegmentSet(await readSegmentFiles(folder));
  const segmentProblems = [
    ...segmentSet.problems,
    // Unknown references are only told apart from a broken segment file once the segments load.
    ...(segmentSet.problems.length === 0
      ? unknownSegmentReferences(
          [...files, ...campaignFiles],
          segmentSet.segments.map((s) => s.segment.id),
        )
      : []),
  ];
  if (segmentProblems.length > 0) throw new ConfigError(segmentProblems);

  // The same reader as `cairn validate` for the settings too, with the deployment's environment.
  const settings = await loadSettingsFiles(folder, environment);
  if (!settings.ok) throw new ConfigError(settings.problems);
  const { lifecycle, policies } = settings;
  // Compiled here as well as at each cold start, so that a model the environment breaks stops the synth.
  if (lifecycle) compileLifecycle(lifecycle, environment);
  const templateSet = loadTemplateSet(await readTemplateFiles(join(folder, 'templates')));
  if (templateSet.problems.length > 0) throw new ConfigError(templateSet.problems);
  return {
    format: COMPILED_FORMAT,
    environment: environment ?? null,
    journeys: journeys.map((j) => j.journey),
    segments: segmentSet.segments.map((s) => s.segment),
    lifecycle,
    policies,
    templates: [...templateSet.templates.values()].map(compileTemplate),
  };
}

/** A journeys folder as a function would run it, compiled and loaded in one go. */
export async function loadRuntimeConfig(
  folder: string,
  environment: string | undefined,
  defaultTimezone: string,
): Promise<RuntimeConfig> {
  return runtimeConfigOf(await compileConfigFolder(folder, environment), defaultTimezone);
}

function compileTemplate({ id, file, text, template, source }: LoadedTemplate): CompiledTemplate {
  const positions: CompiledTemplate['positions'] = {};
  const visit = (value: unknown, path: PathSegment[]) => {
    const { line, column } = source.positionOf(path);
    positions[pathKey(path)] = [line, column];
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...path, i]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(source.value, []);
  return { id, file, text, template, positions };
}
