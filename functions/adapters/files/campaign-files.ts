import { dirname, join } from 'node:path';
import type { CampaignFile } from '../../core/campaigns/load.ts';
import { readJourneyFiles } from './journey-files.ts';

/** The folder of campaign files beside the journeys. */
export const CAMPAIGNS_FOLDER = 'campaigns';

/**
 * The campaign files in `campaigns/` beside the journeys (`journeys` is the folder, or a journey file in it),
 * read as the segments' are (the generated schema.json left out). No folder, no campaigns.
 */
export async function readCampaignFiles(journeys: string): Promise<CampaignFile[]> {
  const folder = /\.(ya?ml|json)$/.test(journeys) ? dirname(journeys) : journeys;
  const { files } = await readJourneyFiles([join(folder, CAMPAIGNS_FOLDER)]);
  return files;
}
