import { compileCampaign } from '../campaigns/compile.ts';
import { Campaign } from '../campaigns/schema.ts';
import type { TemplateFile } from '../templates/schema.ts';
import type { PinpointCampaign } from './campaign-source.ts';
import { type CampaignContext, importCampaign } from './campaigns.ts';
import type { UniqueIds } from './names.ts';
import { type OutputFile, writeJourney, writeJourneyTest, yamlFile } from './output.ts';
import { ObjectFindings, type ObjectReport } from './report.ts';
import type { SegmentOut } from './segments.ts';
import type { CampaignLimits } from './source.ts';

type Parsed = { file: string; value: PinpointCampaign };

/**
 * The newest version of each campaign: the export writes the campaign as GetCampaigns returned it and every
 * version GetCampaignVersions returned; the highest `Version` wins (the campaign's own file on a tie).
 */
export function newestVersions(campaigns: readonly Parsed[]): Parsed[] {
  const newest = new Map<string, Parsed>();
  for (const campaign of campaigns) {
    const known = newest.get(campaign.value.Id);
    if (!known || (campaign.value.Version ?? -1) > (known.value.Version ?? -1))
      newest.set(campaign.value.Id, campaign);
  }
  return [...newest.values()];
}

/** What the campaigns' import shares with the rest of the import. */
export type CampaignsImport = {
  /** Campaign ids share the journeys' ids: a campaign runs as a journey of its id. */
  journeyIds: UniqueIds;
  idOfSegment: ReadonlyMap<string, string>;
  segmentVersionOf: ReadonlyMap<string, number | undefined>;
  templates: {
    templateOf: ReadonlyMap<string, { id: string; channels: string[] }>;
    content: Map<string, TemplateFile>;
    ids: UniqueIds;
  };
  writtenSegments: readonly SegmentOut[];
  applicationLimits?: CampaignLimits | undefined;
  reports: ObjectReport[];
  out: OutputFile[];
};

function contextOf(shared: CampaignsImport): CampaignContext {
  const { templates } = shared;
  return {
    segmentOf: (id) => shared.idOfSegment.get(id),
    segmentVersionOf: (id) => shared.segmentVersionOf.get(id),
    templateOf: (name) => templates.templateOf.get(name),
    contentOf: (id) => templates.content.get(id),
    addTemplate: (wanted, file) => {
      const id = templates.ids.take(wanted);
      templates.content.set(id, file);
      return id;
    },
    applicationLimits: shared.applicationLimits,
  };
}

/**
 * Each campaign's newest version as a campaign file (`campaigns/<id>.yaml`) and its generated test (the test
 * of the journey it compiles to), or as a journey when an event sends it; a report per campaign.
 */
export function importCampaigns(campaigns: readonly Parsed[], shared: CampaignsImport): void {
  const context = contextOf(shared);
  for (const { file, value } of campaigns) {
    const findings = new ObjectFindings();
    const name = value.Name ?? value.Id;
    const imported = importCampaign(value, shared.journeyIds.take(name), context, findings);
    let written: string[] = [];
    if (imported?.kind === 'journey')
      written = writeJourney(imported.journey, shared.writtenSegments, findings, shared.out);
    else if (imported) {
      // A file Cairn would refuse (a treatment's share rounded to nothing) is not written, and says why.
      const parsed = Campaign.safeParse(imported.campaign);
      if (!parsed.success)
        findings.skip('(campaign file)', parsed.error.issues.map((i) => i.message).join('; '));
      else {
        const path = `campaigns/${imported.campaign.id}.yaml`;
        shared.out.push(yamlFile(path, imported.campaign, './schema.json'));
        const test = writeJourneyTest(
          compileCampaign(parsed.data),
          shared.writtenSegments,
          findings,
          shared.out,
        );
        written = [path, ...test];
      }
    }
    const version = value.Version !== undefined ? ` (version ${value.Version})` : '';
    shared.reports.push(findings.report('campaign', `${name}${version}`, file, written));
  }
}
