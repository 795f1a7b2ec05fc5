import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

const EXPORT = 'test/fixtures/pinpoint/export';
const API_SAMPLE = 'test/fixtures/pinpoint/api-sample';

async function cli(args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cairn pinpoint import', () => {
  it('turns the export into files that validate, with journey tests that pass and a report', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    const imported = await cli(['pinpoint', 'import', EXPORT, '--out', dir]);
    const validated = await cli(['validate', dir, '--quiet']);
    const tested = await cli(['test', '--journeys', dir]);
    const report = await readFile(join(dir, 'IMPORT-REPORT.md'), 'utf8');
    // Assess
    expect(imported.code).toBe(0);
    expect(validated.err).toBe('');
    expect(validated.code).toBe(0);
    // The active journeys' tests (welcome series 3 paths, VIP offers 5, UK launch 1, VIP welcome 1) and the
    // active campaigns' (holiday offer 4: held out or not, two treatments; weekly digest 1; the event campaign 1).
    expect(tested.out).toContain('16 passed, 0 failed');
    expect(tested.code).toBe(0);
    expect(report).toContain('`Activities.a7.ContactCenter`: Amazon Connect calls have no Cairn step');
    expect(report).toContain('Pinpoint ended the journey for held-out customers');
    expect(report).toContain('`Schedule.StartTime, Schedule.EndTime`: schedule.start and schedule.end');
    expect(report).toContain('`Limits.MessagesPerSecond`: sendRate.perSecond: 50');
    expect(report).toContain('`Dimensions.Behavior.Recency`: active means');
  });

  it('maps each activity type to its step', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    await cli(['pinpoint', 'import', EXPORT, '--out', dir]);
    const welcome = await readFile(join(dir, 'welcome-series.yaml'), 'utf8');
    const vip = await readFile(join(dir, 'vip-offers.yaml'), 'utf8');
    // Assess
    for (const type of ['send', 'wait', 'branch', 'holdout', 'call'])
      expect(welcome).toContain(`type: ${type}`);
    for (const type of ['split', 'branch', 'call']) expect(vip).toContain(`type: ${type}`);
    expect(welcome).toContain('id: welcome-email');
    expect(welcome).toContain('is: opened');
    expect(welcome).toContain('function: arn:aws:lambda:eu-west-1:123456789012:function:crm-sync');
    expect(vip).toContain('at: 2026-12-01T09:00:00Z');
  });

  it('maps segment starts to a schedule over the segment, or to joining it, and Schedule to the window', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    await cli(['pinpoint', 'import', EXPORT, '--out', dir]);
    const [vip, launch, welcome, gold, policies] = await Promise.all(
      ['vip-offers.yaml', 'uk-launch.yaml', 'welcome-series.yaml', 'vip-welcome.yaml', 'policies.yaml'].map(
        (f) => readFile(join(dir, f), 'utf8').then((text) => parse(text)),
      ),
    );
    // Assess: RefreshFrequency PT12H from 09:00 at UTC+01, members no earlier run enrolled.
    expect(vip.trigger).toEqual({
      schedule: {
        segment: 'vip',
        rate: 'PT12H',
        start: '2026-11-02T09:00',
        end: '2027-06-01T00:00',
        timezone: 'Etc/GMT-1',
        members: 'new',
      },
    });
    expect(vip.sendRate).toEqual({ perSecond: 20 });
    expect(launch.trigger).toEqual({
      schedule: {
        segment: 'uk-customers',
        at: '2026-11-20T10:00',
        timezone: 'local',
        withoutTimezone: 'UTC',
      },
    });
    expect(gold.trigger).toEqual({ segment: { id: 'vip', enter: 'on-join' } });
    expect(gold.schedule).toEqual({ start: '2026-10-01T00:00:00Z', end: '2027-10-01T00:00:00Z' });
    expect(welcome.schedule).toEqual({ start: '2025-03-01T00:00:00Z', end: '2026-10-30T00:00:00Z' });
    // VIP welcome's SendingSchedule is false: its Saturday SMS hours were not in force, so none are written.
    expect(Object.keys(policies.sendWindows)).toEqual(['email']);
  });

  it('turns each kind of campaign into a campaign file, or a journey for an event campaign, with a report', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    await cli(['pinpoint', 'import', EXPORT, '--out', dir]);
    const read = (f: string) => readFile(join(dir, f), 'utf8').then((text) => parse(text));
    const holiday = await read('campaigns/holiday-offer.yaml');
    const weekly = await read('campaigns/weekly-uk-digest.yaml');
    const monthly = await read('campaigns/monthly-app-tips.yaml');
    const hook = await read('campaigns/filtered-re-engagement.yaml');
    const purchase = await read('thanks-for-a-big-order.yaml');
    const inlineTemplate = await read('templates/weekly-uk-digest.yaml');
    const report = await readFile(join(dir, 'IMPORT-REPORT.md'), 'utf8');
    // Assess: the newest version (2) of the holiday campaign, 45/45 of the segment outside a 10% holdout.
    expect(holiday.name).toBe('Holiday offer');
    expect(holiday.schedule).toEqual({ at: '2026-12-24T10:00', timezone: 'local', withoutTimezone: 'UTC' });
    expect(holiday.treatments.map((t: { name: string; percent: number }) => [t.name, t.percent])).toEqual([
      ['discount', 50],
      ['gift', 50],
    ]);
    expect(holiday.holdout).toBe(10);
    expect(report).toContain('## campaign: Holiday offer (version 2)');
    expect(weekly.schedule).toMatchObject({ rate: 'P1W', start: '2026-11-02T09:00', timezone: 'Etc/GMT-1' });
    expect(inlineTemplate.email.subject).toBe(
      'This week for you, {{ profile.traits.FirstName | default: "" | join: "," }}',
    );
    expect(monthly.schedule).toMatchObject({
      cron: '0 10 5 * *',
      timezone: 'local',
      withoutTimezone: 'Asia/Kolkata',
    });
    expect(monthly.limits).toEqual({ perDay: 2, total: 5, messagesPerSecond: 50 });
    expect(monthly.status).toBe('paused');
    expect(purchase.trigger.event).toEqual({
      'detail-type': ['Purchase'],
      detail: { properties: { store: ['online'], total: [{ numeric: ['>=', 100] }] } },
    });
    expect(purchase.schedule).toEqual({ start: '2026-09-01T00:00:00Z', end: '2027-09-01T00:00:00Z' });
    expect(hook.status).toBe('draft');
    for (const line of [
      '`Hook`: the Lambda function arn:aws:lambda:eu-west-1:123456789012:function:drop-recent',
      '`CustomDeliveryConfiguration`: a campaign sends email, SMS and push only',
      '`Limits.MaximumDuration`: a run hands every entry on at once',
      '`Limits.Session`: messages per session are for in-app messages',
    ])
      expect(report).toContain(line);
  });

  it('rejects a campaign key Pinpoint never had with the file and the path', async () => {
    // Prepare
    const source = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    const file = join(source, 'campaigns', 'c-weekly.json');
    const campaign = JSON.parse(await readFile(file, 'utf8'));
    campaign.Schedule.RepeatEvery = 'WEEK';
    campaign.AdditionalTreatments = [{ Id: 't-1', SizePercent: 20, TreatmentWeight: 2 }];
    await writeFile(file, JSON.stringify(campaign, null, 2));
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /campaigns\/c-weekly\.json:\d+:\d+ Schedule\.RepeatEvery: unknown key "RepeatEvery"/,
    );
    expect(result.err).toMatch(
      /campaigns\/c-weekly\.json:\d+:\d+ AdditionalTreatments\[0\]\.TreatmentWeight: unknown key/,
    );
  });

  it('rejects a key Pinpoint never had with the file and the path, and writes nothing', async () => {
    // Prepare
    const source = await tempDir();
    const dir = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    const file = join(source, 'journeys', 'j-welcome.json');
    const journey = JSON.parse(await readFile(file, 'utf8'));
    journey.Activities.a2.Wait.WaitTime.WaitFour = 'P1D';
    await writeFile(file, JSON.stringify(journey, null, 2));
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', dir]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /journeys\/j-welcome\.json:\d+:\d+ Activities\.a2\.Wait\.WaitTime\.WaitFour: unknown key "WaitFour"; did you mean "WaitFor"\?/,
    );
    await expect(readFile(join(dir, 'IMPORT-REPORT.md'), 'utf8')).rejects.toThrow();
  });

  it('rejects a malformed value with its path', async () => {
    // Prepare
    const source = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    const file = join(source, 'segments', 's-uk.json');
    await writeFile(file, '{ "ApplicationId": "app-1", "Id": "s-uk", "SegmentType": "DYNAMIC" }');
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/segments\/s-uk\.json:1:\d+ SegmentType: /);
  });

  it('tells the exact profile import for the endpoint files the export downloaded, which imports them', async () => {
    // Prepare
    const source = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    await mkdir(join(source, 'endpoints'));
    await writeFile(
      join(source, 'endpoints', 'job-1_part-0.jsonl'),
      '{"ChannelType":"EMAIL","Address":"ana@example.com","User":{"UserId":"ana"}}\n',
    );
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    const command = result.out.split('\n').find((line) => line.includes('cairn import profiles'));
    const args = command?.trim().split(' ').slice(1, -2) ?? [];
    const profiles = await cli(args);
    // Assess
    expect(command?.trim()).toBe(
      `cairn import profiles ${join(source, 'endpoints', 'job-1_part-0.jsonl')} --format pinpoint > profiles-job-1_part-0.ndjson`,
    );
    expect(profiles.code).toBe(0);
    expect(JSON.parse(profiles.out).detail.userId).toBe('ana');
  });

  it('rejects the invented shapes seen in public Pinpoint snippets, each with its path', async () => {
    // Prepare: keys Pinpoint never had, as blog posts and generated snippets write them (a Send* activity, the
    // NextActivity beside the activity instead of in it, EventPastDays, a ComparisonOperator on a dimension).
    const source = await tempDir();
    await mkdir(join(source, 'journeys'));
    const invented = {
      ApplicationId: 'app-1',
      Id: 'j-invented',
      Name: 'Invented',
      StartActivity: 'remind',
      StartCondition: { EventStartCondition: { EventPastDays: 0 } },
      Activities: {
        remind: { SendEmail: { MessageType: 'PROMOTIONAL' } },
        welcome: { EMAIL: { TemplateName: 'welcome' }, NextActivity: 'check' },
        check: {
          ConditionalSplit: {
            Condition: {
              Conditions: [
                {
                  EventCondition: { Dimensions: { EventType: { Values: ['x'], ComparisonOperator: 'IN' } } },
                },
              ],
            },
          },
        },
      },
    };
    await writeFile(join(source, 'journeys', 'j-invented.json'), JSON.stringify(invented, null, 2));
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    // Assess
    expect(result.code).toBe(1);
    for (const path of [
      'StartCondition.EventStartCondition.EventPastDays: unknown key',
      'Activities.remind.SendEmail: unknown key',
      'Activities.welcome.NextActivity: unknown key',
      'Activities.check.ConditionalSplit.Condition.Conditions[0].EventCondition.Dimensions.EventType.ComparisonOperator: unknown key',
    ])
      expect(result.err).toContain(path);
  });

  it("imports the API reference's journey sample (an unfinished draft) into a journey that validates and whose test passes once active", async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    const imported = await cli(['pinpoint', 'import', API_SAMPLE, '--out', dir]);
    const validated = await cli(['validate', dir, '--quiet']);
    const report = await readFile(join(dir, 'IMPORT-REPORT.md'), 'utf8');
    const file = join(dir, 'example-corp-new-subscriber-journey.yaml');
    const journey = await readFile(file, 'utf8');
    await writeFile(file, journey.replace('status: draft', 'status: active'));
    await mkdir(join(dir, 'tests'), { recursive: true });
    const test = 'example-corp-new-subscriber-journey.test.yaml';
    await cp(join(dir, 'tests', 'inactive', test), join(dir, 'tests', test));
    const tested = await cli(['test', '--journeys', dir]);
    // Assess
    expect(imported.code).toBe(0);
    expect(validated.code).toBe(0);
    expect(tested.out).toContain('2 passed, 0 failed');
    const notMapped =
      report.split('## journey: Example Corp New Subscriber Journey')[1]?.split('**Not mapped**')[1] ?? '';
    const paths = [...notMapped.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
    expect(paths).toEqual([
      'Activities.12LUtDeRst.Wait',
      'Activities.0roHkysnX3.EMAIL.TemplateName',
      'Activities.p1gOHvWOhc.ConditionalSplit.Condition',
      'Activities.Viv6yKziaa.EMAIL.MessageConfig',
      'Activities.1tvNWcuvXK.MultiCondition.Branches[2]',
      'Activities.nMvVg72WFd.EMAIL.TemplateName',
      'Activities.HSGfxJ6itl.EMAIL.TemplateName',
      '(journey test)',
      '(journey test)',
    ]);
    expect(journey).toContain('segment: new-subscribers');
    expect(journey).toContain('default: email-4');
  });
});
