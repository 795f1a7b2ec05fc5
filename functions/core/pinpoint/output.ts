import { stringify } from 'yaml';
import { journeyTest } from './journey-tests.ts';
import type { JourneyOut } from './journeys.ts';
import type { ObjectFindings } from './report.ts';
import type { SegmentOut } from './segments.ts';

/** One file to write, its path relative to the output folder. */
export type OutputFile = { path: string; text: string };

const HEADER = '# Written by cairn pinpoint import; see IMPORT-REPORT.md.\n';

export function yamlFile(path: string, value: unknown, schemaPath?: string): OutputFile {
  const schema = schemaPath ? `# yaml-language-server: $schema=${schemaPath}\n` : '';
  return {
    path,
    text: `${schema}${HEADER}${stringify(value, { lineWidth: 0, aliasDuplicateObjects: false })}`,
  };
}

/**
 * The generated journey test of an imported journey or campaign (`journey` is the campaign's compiled journey),
 * written beside the others; returns its path, or nothing when no path could be walked.
 */
export function writeJourneyTest(
  journey: JourneyOut,
  segments: readonly SegmentOut[],
  findings: ObjectFindings,
  out: OutputFile[],
): string[] {
  const test = journeyTest(journey, new Map(segments.map((s) => [s.id, s])));
  for (const skipped of test.skipped) findings.skip('(journey test)', `no case for the path ${skipped}`);
  if (!test.file) return [];
  // A journey test runs active journeys only: an inactive one's test waits beside the others.
  const path =
    journey.status === 'active' ? `tests/${journey.id}.test.yaml` : `tests/inactive/${journey.id}.test.yaml`;
  if (journey.status !== 'active')
    findings.change(
      'State',
      `it is imported as ${journey.status}: move ${path} to tests/ when you make it active`,
    );
  out.push(yamlFile(path, test.file));
  return [path];
}

/** A journey file and its generated test; returns the paths written. */
export function writeJourney(
  journey: JourneyOut,
  segments: readonly SegmentOut[],
  findings: ObjectFindings,
  out: OutputFile[],
): string[] {
  out.push(yamlFile(`${journey.id}.yaml`, journey, './schema.json'));
  return [`${journey.id}.yaml`, ...writeJourneyTest(journey, segments, findings, out)];
}
