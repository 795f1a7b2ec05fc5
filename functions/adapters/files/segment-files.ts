import { dirname, join } from 'node:path';
import type { SegmentFile } from '../../core/segments/load.ts';
import { readJourneyFiles } from './journey-files.ts';

/** The folder of segment files beside the journeys. */
export const SEGMENTS_FOLDER = 'segments';

/**
 * The segment files in `segments/` beside the journeys (`journeys` is the folder, or a journey file in it):
 * the same reader as the journeys', so the generated schema.json is left out the same way. No folder, no
 * segments.
 */
export async function readSegmentFiles(journeys: string): Promise<SegmentFile[]> {
  const folder = /\.(ya?ml|json)$/.test(journeys) ? dirname(journeys) : journeys;
  const { files } = await readJourneyFiles([join(folder, SEGMENTS_FOLDER)]);
  return files;
}
