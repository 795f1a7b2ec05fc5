import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readCampaignFiles } from '../adapters/files/campaign-files.ts';
import { readJourneyFiles } from '../adapters/files/journey-files.ts';
import { readSegmentFiles } from '../adapters/files/segment-files.ts';
import { withCampaigns } from '../core/campaigns/load.ts';
import { formatProblem } from '../core/diagnostics/problem.ts';
import { JourneyCatalog } from '../core/engine/catalog.ts';
import { loadJourneySet } from '../core/journeys/load.ts';
import { loadLifecycleConfig } from '../core/lifecycle/lifecycle-file.ts';
import { compileLifecycle, type LifecycleModel } from '../core/lifecycle/lifecycle-model.ts';
import { loadSegmentSet, unknownSegmentReferences } from '../core/segments/load.ts';
import type { CliIo } from './io.ts';

/** Loads and validates journeys for a command that runs them; prints the problems and returns undefined if any. */
export async function loadCatalog(
  paths: string[],
  io: CliIo,
  command: string,
): Promise<JourneyCatalog | undefined> {
  const { files, missing } = await readJourneyFiles(paths);
  if (missing.length > 0 || files.length === 0) {
    io.stderr(
      `cairn ${command}: no journey files in ${[...missing, ...paths].join(', ')}; pass --journeys with a folder of .yaml files`,
    );
    return undefined;
  }
  const campaignFiles = await readCampaignFiles(paths[0] ?? 'journeys');
  const loaded = withCampaigns(loadJourneySet(files), campaignFiles);
  const { journeys } = loaded;
  const segmentSet = loadSegmentSet(await readSegmentFiles(paths[0] ?? 'journeys'));
  const problems = [
    ...loaded.problems,
    ...segmentSet.problems,
    ...(segmentSet.problems.length === 0
      ? unknownSegmentReferences(
          [...files, ...campaignFiles],
          segmentSet.segments.map((s) => s.segment.id),
        )
      : []),
  ];
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(formatProblem(problem));
    io.stderr(
      `cairn ${command}: ${problems.length} problem(s) in the journeys; fix them first ("npx cairn validate" lists them)`,
    );
    return undefined;
  }
  return new JourneyCatalog(
    journeys.map((j) => j.journey),
    segmentSet.segments.map((s) => s.segment),
  );
}

/**
 * Loads lifecycle.yaml beside the journeys (the folder, or the folder of a journey file) when it exists. Returns null when there is none, and
 * undefined after printing its problems.
 */
export async function loadLifecycle(
  journeysDir: string,
  io: CliIo,
  command: string,
  environment?: string,
): Promise<LifecycleModel | null | undefined> {
  const folder = /\.(ya?ml|json)$/.test(journeysDir) ? dirname(journeysDir) : journeysDir;
  const file = join(folder, 'lifecycle.yaml');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return null;
  const { config, problems } = loadLifecycleConfig(file, text);
  if (!config) {
    for (const problem of problems) io.stderr(formatProblem(problem));
    io.stderr(`cairn ${command}: ${problems.length} problem(s) in ${file}`);
    return undefined;
  }
  return compileLifecycle(config, environment);
}
