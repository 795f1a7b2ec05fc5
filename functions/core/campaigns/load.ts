import { parseConfigFile } from '../diagnostics/config-file.ts';
import { type Problem, sortProblems } from '../diagnostics/problem.ts';
import type { JourneySetResult, LoadedJourney } from '../journeys/load.ts';
import { compileCampaign } from './compile.ts';
import { Campaign } from './schema.ts';

export type CampaignFile = { file: string; text: string };

/**
 * The campaign files (journeys/campaigns/*.yaml), each checked at file:line:column and compiled to its journey,
 * added to the journeys of the folder: a campaign runs, and is listed, paused and resumed, as a journey. An id
 * a journey or another campaign already has is a problem at the campaign's `id`.
 */
export function withCampaigns(loaded: JourneySetResult, files: readonly CampaignFile[]): JourneySetResult {
  const journeys: LoadedJourney[] = [...loaded.journeys];
  const problems: Problem[] = [...loaded.problems];
  const owner = new Map(journeys.map((j) => [j.journey.id, j.file]));
  for (const { file, text } of files) {
    const parsed = parseConfigFile(Campaign, file, text);
    problems.push(...parsed.problems);
    if (!parsed.value) continue;
    const first = owner.get(parsed.value.id);
    if (first !== undefined) {
      problems.push(parsed.locate(['id'], `id "${parsed.value.id}" is already used by ${first}`));
      continue;
    }
    owner.set(parsed.value.id, file);
    journeys.push({ file, journey: compileCampaign(parsed.value) });
  }
  return { journeys, problems: sortProblems(problems) };
}
