import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  CreateExportJobCommand,
  GetApplicationSettingsCommand,
  GetCampaignsCommand,
  GetEmailTemplateCommand,
  GetEventStreamCommand,
  GetExportJobCommand,
  GetJourneyCommand,
  GetSegmentsCommand,
  GetSegmentVersionsCommand,
  GetSmsTemplateCommand,
  ListJourneysCommand,
  ListTemplatesCommand,
  PinpointClient,
  TooManyRequestsException,
} from '@aws-sdk/client-pinpoint';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { exportFolder } from '../../../functions/adapters/files/export-folder.ts';
import { pinpointProject } from '../../../functions/adapters/pinpoint/project-reader.ts';
import { exportObjects } from '../../../functions/adapters/s3/export-objects.ts';
import { exportProject } from '../../../functions/core/pinpoint/export.ts';
import { tempDir } from '../../cli/support.ts';

const pinpoint = mockClient(PinpointClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  pinpoint.reset();
  s3.reset();
});

const ENDPOINT_LINES = [
  '{"ChannelType":"EMAIL","Address":"ana@example.com","User":{"UserId":"ana"}}',
  '{"ChannelType":"SMS","Address":"+447911123456","User":{"UserId":"ben"}}',
];

/** The job's files in S3 over two pages of keys: a folder, a gzip file (as Pinpoint writes them), a plain one. */
function recordedObjects(): void {
  s3.on(ListObjectsV2Command).callsFake((input) =>
    input.ContinuationToken === undefined
      ? {
          Contents: [{ Key: 'p/job-1/' }, { Key: 'p/job-1/part-0.gz' }],
          IsTruncated: true,
          NextContinuationToken: 'k2',
        }
      : { Contents: [{ Key: 'p/job-1/part-1.json' }], IsTruncated: false },
  );
  s3.on(GetObjectCommand, { Key: 'p/job-1/part-0.gz' }).callsFake(() => ({
    Body: Readable.from([gzipSync(`${ENDPOINT_LINES[0]}\n`)]),
  }));
  s3.on(GetObjectCommand, { Key: 'p/job-1/part-1.json' }).callsFake(() => ({
    Body: Readable.from([Buffer.from(`${ENDPOINT_LINES[1]}\n`)]),
  }));
}

const throttle = () =>
  new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } });

/** Recorded responses: two pages of journeys, one segment with a version, two templates, settings, a job. */
function recorded(): void {
  pinpoint
    .on(ListJourneysCommand)
    .callsFake((input) =>
      input.Token === undefined
        ? { JourneysResponse: { Item: [{ Id: 'j1', Name: 'One', ApplicationId: 'app' }], NextToken: 'p2' } }
        : { JourneysResponse: { Item: [{ Id: 'j2', Name: 'Two', ApplicationId: 'app' }] } },
    );
  pinpoint
    .on(GetJourneyCommand)
    .callsFake((input) => ({ JourneyResponse: { Id: input.JourneyId, Name: 'full', ApplicationId: 'app' } }));
  pinpoint.on(GetSegmentsCommand).resolves({
    SegmentsResponse: {
      Item: [
        {
          Id: 's1',
          ApplicationId: 'app',
          Arn: 'a',
          CreationDate: 'd',
          SegmentType: 'DIMENSIONAL',
          Version: 2,
        },
      ],
    },
  });
  pinpoint.on(GetSegmentVersionsCommand).resolves({
    SegmentsResponse: {
      Item: [
        {
          Id: 's1',
          Version: 1,
          ApplicationId: 'app',
          Arn: 'a',
          CreationDate: 'd',
          SegmentType: 'DIMENSIONAL',
        },
        {
          Id: 's1',
          Version: 2,
          ApplicationId: 'app',
          Arn: 'a',
          CreationDate: 'd',
          SegmentType: 'DIMENSIONAL',
        },
      ],
    },
  });
  pinpoint.on(GetCampaignsCommand).resolves({ CampaignsResponse: { Item: [] } });
  pinpoint.on(ListTemplatesCommand).resolves({
    TemplatesResponse: {
      Item: [
        { TemplateName: 'Welcome', TemplateType: 'EMAIL', CreationDate: 'd', LastModifiedDate: 'd' },
        { TemplateName: 'Nudge', TemplateType: 'SMS', CreationDate: 'd', LastModifiedDate: 'd' },
      ],
    },
  });
  pinpoint.on(GetEmailTemplateCommand).resolves({
    EmailTemplateResponse: {
      TemplateName: 'Welcome',
      TemplateType: 'EMAIL',
      Subject: 'Hi',
      CreationDate: 'd',
      LastModifiedDate: 'd',
    },
  });
  pinpoint.on(GetSmsTemplateCommand).resolves({
    SMSTemplateResponse: {
      TemplateName: 'Nudge',
      TemplateType: 'SMS',
      Body: 'Hey',
      CreationDate: 'd',
      LastModifiedDate: 'd',
    },
  });
  pinpoint.on(GetApplicationSettingsCommand).resolves({
    ApplicationSettingsResource: { ApplicationId: 'app', QuietTime: { Start: '22:00', End: '07:00' } },
  });
  pinpoint.on(GetEventStreamCommand).rejects(Object.assign(new Error('none'), { name: 'NotFoundException' }));
  pinpoint.on(CreateExportJobCommand).resolves({
    ExportJobResponse: {
      Id: 'job-1',
      ApplicationId: 'app',
      CreationDate: 'd',
      Definition: { RoleArn: 'r', S3UrlPrefix: 's3://b/p' },
      JobStatus: 'CREATED',
      Type: 'EXPORT',
    },
  });
  pinpoint
    .on(GetExportJobCommand)
    .resolvesOnce({
      ExportJobResponse: {
        Id: 'job-1',
        ApplicationId: 'app',
        CreationDate: 'd',
        Definition: { RoleArn: 'r', S3UrlPrefix: 's3://b/p' },
        JobStatus: 'PROCESSING',
        Type: 'EXPORT',
      },
    })
    .resolves({
      ExportJobResponse: {
        Id: 'job-1',
        ApplicationId: 'app',
        CreationDate: 'd',
        Definition: { RoleArn: 'r', S3UrlPrefix: 's3://b/p' },
        JobStatus: 'COMPLETED',
        Type: 'EXPORT',
      },
    });
}

function run(dir: string, sleeps: number[] = [], progress: string[] = []) {
  return exportProject(
    pinpointProject(new PinpointClient({ region: 'eu-west-1' }), 'app'),
    exportFolder(dir),
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      progress: (line) => progress.push(line),
      endpoints: {
        roleArn: 'r',
        s3UrlPrefix: 's3://b/p',
        objects: exportObjects(new S3Client({ region: 'eu-west-1' })),
      },
    },
  );
}

describe('exportProject over the Pinpoint SDK', () => {
  it('writes every object of every page, one file each, and a manifest', async () => {
    // Prepare
    recorded();
    recordedObjects();
    const dir = await tempDir();
    // Act
    const summary = await run(dir);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const journey = JSON.parse(await readFile(join(dir, 'journeys', 'j2.json'), 'utf8'));
    // Assess
    expect(manifest.files).toEqual([
      'application-settings.json',
      'endpoints/job-1_part-0.jsonl',
      'endpoints/job-1_part-1.jsonl',
      'journeys/j1.json',
      'journeys/j2.json',
      'segments-versions/s1/1.json',
      'segments-versions/s1/2.json',
      'segments/s1.json',
      'templates/Nudge-SMS.json',
      'templates/Welcome-EMAIL.json',
    ]);
    expect(manifest.endpoints).toEqual({ jobId: 'job-1', s3UrlPrefix: 's3://b/p', status: 'COMPLETED' });
    expect(journey).toEqual({ Id: 'j2', Name: 'full', ApplicationId: 'app' });
    expect(summary.written).toBe(10);
    expect(await readFile(join(dir, 'endpoints', 'job-1_part-0.jsonl'), 'utf8')).toBe(
      `${ENDPOINT_LINES[0]}\n`,
    );
    expect(await readFile(join(dir, 'endpoints', 'job-1_part-1.jsonl'), 'utf8')).toBe(
      `${ENDPOINT_LINES[1]}\n`,
    );
    expect(pinpoint.commandCalls(ListJourneysCommand).map((c) => c.args[0].input.Token)).toEqual([
      undefined,
      'p2',
    ]);
  });

  it('survives throttling: each throttled call is retried after a growing wait', async () => {
    // Prepare
    recorded();
    recordedObjects();
    pinpoint
      .on(GetJourneyCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .callsFake((input) => ({
        JourneyResponse: { Id: input.JourneyId, Name: 'full', ApplicationId: 'app' },
      }));
    const dir = await tempDir();
    const sleeps: number[] = [];
    // Act
    const summary = await run(dir, sleeps);
    // Assess
    expect(summary.files).toContain('journeys/j1.json');
    expect(sleeps.slice(0, 2)).toEqual([1000, 2000]);
  });

  it('resumes after an interruption: what was written is kept, the rest is read', async () => {
    // Prepare
    recorded();
    recordedObjects();
    pinpoint.on(GetSmsTemplateCommand).rejects(new Error('connection reset'));
    const dir = await tempDir();
    await expect(run(dir)).rejects.toThrow('connection reset');
    pinpoint.reset();
    recorded();
    // Act
    const summary = await run(dir);
    // Assess
    expect(summary.kept).toBe(6);
    expect(summary.written).toBe(4);
    expect(pinpoint.commandCalls(GetJourneyCommand)).toHaveLength(0);
    expect(pinpoint.commandCalls(CreateExportJobCommand)).toHaveLength(1);
  });

  it('resumes an endpoint download cut in the middle: files downloaded are kept, the cut one is read again', async () => {
    // Prepare
    recorded();
    recordedObjects();
    s3.on(GetObjectCommand, { Key: 'p/job-1/part-1.json' }).callsFake(() => ({
      Body: Readable.from(
        (async function* cut() {
          yield Buffer.from('{"ChannelType":"EMAIL",');
          throw new Error('socket hang up');
        })(),
      ),
    }));
    const dir = await tempDir();
    await expect(run(dir)).rejects.toThrow('socket hang up');
    const cut = await readFile(join(dir, 'endpoints', 'job-1_part-1.jsonl'), 'utf8').catch(() => 'absent');
    s3.reset();
    recordedObjects();
    // Act
    const summary = await run(dir);
    // Assess
    expect(cut).toBe('absent');
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      'p/job-1/part-1.json',
    ]);
    expect(await readFile(join(dir, 'endpoints', 'job-1_part-1.jsonl'), 'utf8')).toBe(
      `${ENDPOINT_LINES[1]}\n`,
    );
    expect(summary.files).toContain('endpoints/job-1_part-0.jsonl');
  });
});
