import type * as z from 'zod';
import { parseConfigFile } from '../diagnostics/config-file.ts';
import { formatProblem } from '../diagnostics/problem.ts';
import type { TemplateFile } from '../templates/schema.ts';
import type { ActivityContext, UnfinishedParts } from './activities.ts';
import { PinpointCampaign } from './campaign-source.ts';
import { dimensionsExpr } from './dimensions.ts';
import { importCampaigns, newestVersions } from './import-campaigns.ts';
import { importJourney } from './journeys.ts';
import { slug, UniqueIds } from './names.ts';
import { type OutputFile, writeJourney, yamlFile } from './output.ts';
import { ObjectFindings, type ObjectReport, reportMarkdown } from './report.ts';
import { type SegmentOut, SegmentWriter, segmentExpr } from './segments.ts';
import { importPolicies } from './settings.ts';
import { ApplicationSettings, PinpointJourney, PinpointSegment, PinpointTemplate } from './source.ts';
import { importTemplate } from './templates.ts';

/** One file of an export folder, its path relative to the folder (`journeys/abc.json`). */
export type ExportFile = { file: string; text: string };
export type { OutputFile } from './output.ts';

export type ImportResult =
  | { ok: true; files: OutputFile[]; reports: ObjectReport[] }
  | { ok: false; problems: string[] };

/** Parses every file of a kind; the problems name the file and the path in it. */
function parseAll<S extends z.ZodType>(
  schema: S,
  files: readonly ExportFile[],
  problems: string[],
): { file: string; value: z.output<S> }[] {
  const out: { file: string; value: z.output<S> }[] = [];
  for (const { file, text } of files) {
    const parsed = parseConfigFile(schema, file, text);
    if (parsed.value !== undefined) out.push({ file, value: parsed.value });
    problems.push(...parsed.problems.map(formatProblem));
  }
  return out;
}

/** The JSON files of a folder of the export; `depth` 3 for the versions folders (`campaigns-versions/<id>/<n>.json`). */
const under = (files: readonly ExportFile[], folder: string, depth = 2) =>
  files.filter(
    (f) => f.file.startsWith(`${folder}/`) && f.file.endsWith('.json') && f.file.split('/').length === depth,
  );

type TemplateRef = { id: string; channels: string[] };

/** The templates imported: by Pinpoint name, their content by Cairn id, and the ids taken. */
export type ImportedTemplates = {
  templateOf: Map<string, TemplateRef>;
  content: Map<string, TemplateFile>;
  ids: UniqueIds;
};

/**
 * The templates as Cairn template files. A Pinpoint template name may hold an email, an SMS and a push
 * template: they become one Cairn file with each channel's part.
 */
function importTemplates(
  templates: readonly { file: string; value: PinpointTemplate }[],
  reports: ObjectReport[],
): ImportedTemplates {
  const ids = new UniqueIds();
  const templateOf = new Map<string, TemplateRef>();
  const content = new Map<string, TemplateFile>();
  for (const { file, value } of templates) {
    const findings = new ObjectFindings();
    const template = importTemplate(value, findings);
    const known = templateOf.get(value.TemplateName);
    const ref = known ?? { id: ids.take(value.TemplateName), channels: [] };
    const path = `templates/${ref.id}.yaml`;
    if (template) {
      ref.channels.push(...['email', 'sms', 'push'].filter((c) => c in template));
      templateOf.set(value.TemplateName, ref);
      const { description, ...parts } = template;
      content.set(ref.id, { ...(content.get(ref.id) ?? { description }), ...parts });
    }
    reports.push(
      findings.report(`${value.TemplateType} template`, value.TemplateName, file, template ? [path] : []),
    );
  }
  return { templateOf, content, ids };
}

/** The segments as segment files (with their helpers); a segment not mapped is left out of `idOfSegment`. */
function importSegments(
  segments: readonly { file: string; value: PinpointSegment }[],
  segmentIds: UniqueIds,
  reports: ObjectReport[],
): { idOfSegment: Map<string, string>; written: SegmentOut[] } {
  const idOfSegment = new Map(
    segments.map(({ value }) => [value.Id, segmentIds.take(value.Name ?? value.Id)]),
  );
  const written: SegmentOut[] = [];
  for (const { file, value } of segments) {
    const findings = new ObjectFindings();
    const id = idOfSegment.get(value.Id) ?? value.Id;
    const expr = segmentExpr(value, id, idOfSegment, findings);
    const writer = new SegmentWriter(segmentIds);
    if (expr) writer.write(id, value.Name ?? id, `Imported from Pinpoint segment ${value.Id}.`, expr);
    else idOfSegment.delete(value.Id);
    written.push(...writer.files);
    const outputs = writer.files.map((s) => `segments/${s.id}.yaml`);
    reports.push(findings.report('segment', value.Name ?? value.Id, file, outputs));
  }
  return { idOfSegment, written };
}

/** The template a draft's message activity without a template sends: written once, saying what to do. */
function unfinishedTemplate(templates: ImportedTemplates): string {
  const id = 'pinpoint-unfinished';
  if (templates.content.has(id)) return id;
  const text =
    'No template was chosen for this message in Pinpoint: choose one before you activate the journey.';
  templates.ids.take(id);
  templates.content.set(id, {
    description: 'A placeholder for the message activities of Pinpoint drafts that had no template yet.',
    email: { subject: 'Unfinished message', html: `<p>${text}</p>`, text },
    sms: { body: text },
    push: { title: 'Unfinished message', body: text },
  });
  return id;
}

/** The segment a draft's split with no condition asks for: written once, it selects no one. */
function unfinishedCondition(ids: UniqueIds, written: SegmentOut[]): string {
  const id = 'pinpoint-unfinished-condition';
  if (written.some((s) => s.id === id)) return id;
  ids.take(id);
  written.push({
    id,
    name: 'Unfinished condition',
    description:
      'A placeholder for the splits of Pinpoint drafts that had no condition yet: it selects no one. Write the condition.',
    when: { profile: { userId: [{ exists: false }] } },
  });
  return id;
}

/** What every journey's import shares: the segments and templates imported, and the application's cap. */
type JourneyImport = {
  segmentIds: UniqueIds;
  idOfSegment: ReadonlyMap<string, string>;
  templateOf: ReadonlyMap<string, TemplateRef>;
  /** The placeholders of unfinished draft activities, each written once. */
  unfinished: UnfinishedParts;
  /** The segments written so far; a journey's condition segments are added when the journey is written. */
  writtenSegments: SegmentOut[];
  applicationTotalCap?: number;
};

/** One journey, its condition segments and its journey test; returns the files written for it. */
function importOneJourney(
  value: PinpointJourney,
  id: string,
  shared: JourneyImport,
  findings: ObjectFindings,
  out: OutputFile[],
): string[] {
  const helpers = new SegmentWriter(shared.segmentIds);
  const context: ActivityContext & { applicationTotalCap?: number } = {
    segmentOf: (pinpointId) => shared.idOfSegment.get(pinpointId),
    templateOf: (name) => shared.templateOf.get(name),
    ...(value.State === 'DRAFT' || value.State === undefined ? { unfinished: shared.unfinished } : {}),
    dimensionSegment: (dims, where) => {
      const expr = dimensionsExpr(dims, where, findings);
      return expr
        ? helpers.write(
            shared.segmentIds.take(`${id}-${slug(where.split('.')[1] ?? 'condition')}`),
            `${value.Name}: ${where}`,
            `A condition of Pinpoint journey ${value.Id}.`,
            expr,
          )
        : undefined;
    },
    ...(shared.applicationTotalCap ? { applicationTotalCap: shared.applicationTotalCap } : {}),
  };
  const journey = importJourney(value, id, context, findings);
  if (!journey) return [];
  shared.writtenSegments.push(...helpers.files);
  const [file = '', ...test] = writeJourney(journey, shared.writtenSegments, findings, out);
  return [file, ...helpers.files.map((s) => `segments/${s.id}.yaml`), ...test];
}

/**
 * `cairn pinpoint import`: a Pinpoint export folder to Cairn files, offline and pure. Unknown or malformed
 * input stops it with every problem's file and path; otherwise it writes what it could map and says, per
 * object, what it mapped, what changed meaning and what it did not map.
 */
export function importPinpointExport(files: readonly ExportFile[]): ImportResult {
  const problems: string[] = [];
  const journeys = parseAll(PinpointJourney, under(files, 'journeys'), problems);
  const segments = parseAll(PinpointSegment, under(files, 'segments'), problems);
  const templates = parseAll(PinpointTemplate, under(files, 'templates'), problems);
  const campaigns = parseAll(
    PinpointCampaign,
    [...under(files, 'campaigns'), ...under(files, 'campaigns-versions', 3)],
    problems,
  );
  const settingsFile = files.filter((f) => f.file === 'application-settings.json');
  const [settings] = parseAll(ApplicationSettings, settingsFile, problems);
  if (problems.length > 0) return { ok: false, problems };

  const reports: ObjectReport[] = [];
  const out: OutputFile[] = [];
  const templatesImported = importTemplates(templates, reports);
  const { templateOf } = templatesImported;
  const newest = newestVersions(campaigns);

  const segmentIds = new UniqueIds();
  const { idOfSegment, written: writtenSegments } = importSegments(segments, segmentIds, reports);

  const policyFindings = new ObjectFindings();
  const policies = importPolicies(
    settings?.value,
    journeys.map((j) => j.value),
    newest.map((c) => c.value),
    policyFindings,
  );
  out.push(yamlFile('policies.yaml', policies));
  reports.push(
    policyFindings.report(
      'application settings',
      settings?.value.ApplicationId ?? '(none exported)',
      settings?.file ?? 'application-settings.json',
      ['policies.yaml'],
    ),
  );

  const journeyIds = new UniqueIds();
  const shared: JourneyImport = {
    unfinished: {
      template: () => unfinishedTemplate(templatesImported),
      condition: () => unfinishedCondition(segmentIds, writtenSegments),
    },
    segmentIds,
    idOfSegment,
    templateOf,
    writtenSegments,
    ...(settings?.value.JourneyLimits?.TotalCap
      ? { applicationTotalCap: settings.value.JourneyLimits.TotalCap }
      : {}),
  };
  for (const { file, value } of journeys) {
    const findings = new ObjectFindings();
    const written = importOneJourney(value, journeyIds.take(value.Name), shared, findings, out);
    reports.push(findings.report('journey', value.Name, file, written));
  }
  importCampaigns(newest, {
    journeyIds,
    idOfSegment,
    segmentVersionOf: new Map(segments.map(({ value }) => [value.Id, value.Version])),
    templates: templatesImported,
    writtenSegments,
    applicationLimits: settings?.value.Limits,
    reports,
    out,
  });
  for (const [id, template] of templatesImported.content)
    out.push(yamlFile(`templates/${id}.yaml`, template));
  for (const segment of writtenSegments)
    out.push(yamlFile(`segments/${segment.id}.yaml`, segment, './schema.json'));
  out.push({ path: 'IMPORT-REPORT.md', text: `${reportMarkdown(reports)}\n` });
  return { ok: true, files: out, reports };
}
