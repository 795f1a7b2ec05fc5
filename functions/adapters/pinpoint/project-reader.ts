import {
  CreateExportJobCommand,
  GetApplicationSettingsCommand,
  GetCampaignsCommand,
  GetCampaignVersionsCommand,
  GetEmailTemplateCommand,
  GetEventStreamCommand,
  GetExportJobCommand,
  GetJourneyCommand,
  GetPushTemplateCommand,
  GetSegmentsCommand,
  GetSegmentVersionsCommand,
  GetSmsTemplateCommand,
  ListJourneysCommand,
  ListTemplatesCommand,
  type PinpointClient,
} from '@aws-sdk/client-pinpoint';
import type { Page, PinpointProject } from '../../core/pinpoint/export.ts';

const PAGE_SIZE = '50';

const page = (items: unknown[] | undefined, next: string | undefined): Page => ({
  items: items ?? [],
  ...(next ? { next } : {}),
});

/** The Pinpoint reads of `cairn pinpoint export`, with the SDK. Every call is a Get or List but the export job. */
export function pinpointProject(client: PinpointClient, applicationId: string): PinpointProject {
  const ApplicationId = applicationId;
  return {
    journeys: async (Token) => {
      const r = await client.send(new ListJourneysCommand({ ApplicationId, PageSize: PAGE_SIZE, Token }));
      return page(r.JourneysResponse?.Item, r.JourneysResponse?.NextToken);
    },
    journey: async (JourneyId) =>
      (await client.send(new GetJourneyCommand({ ApplicationId, JourneyId }))).JourneyResponse,
    segments: async (Token) => {
      const r = await client.send(new GetSegmentsCommand({ ApplicationId, PageSize: PAGE_SIZE, Token }));
      return page(r.SegmentsResponse?.Item, r.SegmentsResponse?.NextToken);
    },
    segmentVersions: async (SegmentId, Token) => {
      const r = await client.send(
        new GetSegmentVersionsCommand({ ApplicationId, SegmentId, PageSize: PAGE_SIZE, Token }),
      );
      return page(r.SegmentsResponse?.Item, r.SegmentsResponse?.NextToken);
    },
    campaigns: async (Token) => {
      const r = await client.send(new GetCampaignsCommand({ ApplicationId, PageSize: PAGE_SIZE, Token }));
      return page(r.CampaignsResponse?.Item, r.CampaignsResponse?.NextToken);
    },
    campaignVersions: async (CampaignId, Token) => {
      const r = await client.send(
        new GetCampaignVersionsCommand({ ApplicationId, CampaignId, PageSize: PAGE_SIZE, Token }),
      );
      return page(r.CampaignsResponse?.Item, r.CampaignsResponse?.NextToken);
    },
    templates: async (NextToken) => {
      const r = await client.send(new ListTemplatesCommand({ PageSize: PAGE_SIZE, NextToken }));
      return page(r.TemplatesResponse?.Item, r.TemplatesResponse?.NextToken);
    },
    template: async (TemplateName, type) => {
      if (type === 'EMAIL')
        return (await client.send(new GetEmailTemplateCommand({ TemplateName }))).EmailTemplateResponse;
      if (type === 'SMS')
        return (await client.send(new GetSmsTemplateCommand({ TemplateName }))).SMSTemplateResponse;
      return (await client.send(new GetPushTemplateCommand({ TemplateName })))
        .PushNotificationTemplateResponse;
    },
    applicationSettings: async () =>
      (await client.send(new GetApplicationSettingsCommand({ ApplicationId }))).ApplicationSettingsResource,
    eventStream: async () => {
      try {
        return (await client.send(new GetEventStreamCommand({ ApplicationId }))).EventStream;
      } catch (error) {
        // A project without an event stream answers NotFound: there is nothing to export.
        if (error instanceof Error && error.name === 'NotFoundException') return undefined;
        throw error;
      }
    },
    startEndpointExport: async (RoleArn, S3UrlPrefix) => {
      const r = await client.send(
        new CreateExportJobCommand({ ApplicationId, ExportJobRequest: { RoleArn, S3UrlPrefix } }),
      );
      return r.ExportJobResponse?.Id ?? '';
    },
    endpointExportStatus: async (JobId) => {
      const r = await client.send(new GetExportJobCommand({ ApplicationId, JobId }));
      const failures = r.ExportJobResponse?.Failures;
      return {
        status: r.ExportJobResponse?.JobStatus ?? 'UNKNOWN',
        ...(failures && failures.length > 0 ? { failure: failures.join('; ') } : {}),
      };
    },
  };
}
