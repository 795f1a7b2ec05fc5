import type { Journey } from '../journeys/schema.ts';
import type { JourneyReport } from './model.ts';

/**
 * The journey's diagram as SVG, with the report's counts on each step and edge; null when there is none to
 * draw (no journey file, or no diagram renderer yet).
 */
export async function diagramSvg(
  _report: JourneyReport,
  _journey: Journey | undefined,
): Promise<string | null> {
  return null;
}
