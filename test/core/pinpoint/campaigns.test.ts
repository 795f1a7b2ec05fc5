import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Campaign } from '../../../functions/core/campaigns/schema.ts';
import { type ExportFile, importPinpointExport } from '../../../functions/core/pinpoint/import.ts';

// Pinpoint campaigns imported as Cairn campaign files: what each Schedule, treatment and limit becomes. The
// rules, from the API reference (CampaignResponse, Schedule, TreatmentResource, CampaignLimits): a campaign's
// own message is its main treatment, whose share of the segment is what HoldoutPercent and the additional
// treatments' SizePercent leave; Frequency ONCE runs at StartTime, HOURLY/DAILY/WEEKLY/MONTHLY recur from it
// until EndTime; IsLocalTime reads the times in each recipient's zone; Timezone is a fixed UTC offset.

const SEGMENT = {
  ApplicationId: 'app-1',
  Id: 's-1',
  Name: 'Members',
  SegmentType: 'DIMENSIONAL',
  Version: 3,
  Dimensions: { UserAttributes: { member: { AttributeType: 'INCLUSIVE', Values: ['yes'] } } },
};

function template(name: string, type: 'EMAIL' | 'SMS') {
  return type === 'EMAIL'
    ? { TemplateName: name, TemplateType: type, Subject: name, HtmlPart: `<p>${name}</p>`, TextPart: name }
    : { TemplateName: name, TemplateType: type, Body: name };
}

function campaign(fields: Record<string, unknown>) {
  return {
    ApplicationId: 'app-1',
    Id: 'c-1',
    Name: 'Spring offer',
    SegmentId: 's-1',
    State: { CampaignStatus: 'SCHEDULED' },
    Schedule: { Frequency: 'ONCE', StartTime: '2027-03-28T10:00:00Z' },
    TemplateConfiguration: { EmailTemplate: { Name: 'A' } },
    ...fields,
  };
}

function importWith(...campaigns: Record<string, unknown>[]) {
  const files: ExportFile[] = [
    { file: 'segments/s-1.json', text: JSON.stringify(SEGMENT) },
    { file: 'templates/A-EMAIL.json', text: JSON.stringify(template('A', 'EMAIL')) },
    { file: 'templates/B-EMAIL.json', text: JSON.stringify(template('B', 'EMAIL')) },
    { file: 'templates/C-SMS.json', text: JSON.stringify(template('C', 'SMS')) },
    ...campaigns.map((c, i) => ({
      file: i === 0 ? 'campaigns/c-1.json' : `campaigns-versions/c-1/${i}.json`,
      text: JSON.stringify(c),
    })),
  ];
  const result = importPinpointExport(files);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const text = (path: string) => result.files.find((f) => f.path === path)?.text;
  const campaignFile = text('campaigns/spring-offer.yaml');
  const report = result.reports.find((r) => r.kind === 'campaign');
  return {
    files: result.files,
    text,
    campaign: campaignFile ? Campaign.parse(parse(campaignFile)) : undefined,
    report,
    notes: report
      ? [...report.mapped, ...report.changed, ...report.unmapped].map((f) => `${f.path}: ${f.note}`)
      : [],
  };
}

describe('Pinpoint campaigns as campaign files', () => {
  it('gives the main treatment what the holdout and the other treatments leave, as shares outside the holdout', () => {
    // Prepare: holdout 10%, treatment B 30% of the segment: the main treatment has 60%, two thirds of the 90%.
    const ab = campaign({
      HoldoutPercent: 10,
      TreatmentName: 'Main',
      AdditionalTreatments: [
        {
          Id: 't-1',
          SizePercent: 30,
          TreatmentName: 'Other',
          TemplateConfiguration: { EmailTemplate: { Name: 'B' } },
        },
      ],
    });
    // Act
    const { campaign: out } = importWith(ab);
    // Assess
    expect(out?.holdout).toBe(10);
    expect(out?.treatments).toEqual([
      { name: 'main', percent: 66.67, channel: 'email', template: 'a' },
      { name: 'other', percent: 33.33, channel: 'email', template: 'b' },
    ]);
  });

  it('maps each frequency to a schedule, in the fixed zone of the offset or in local time', () => {
    // Prepare
    const at = (Frequency: string, extra: Record<string, unknown> = {}) =>
      importWith(
        campaign({
          Schedule: {
            Frequency,
            StartTime: '2027-01-04T08:00:00Z',
            EndTime: '2027-06-01T00:00:00Z',
            ...extra,
          },
        }),
      ).campaign?.schedule;
    // Act
    const once = at('ONCE', { Timezone: 'UTC+05:30' });
    const hourly = at('HOURLY');
    const daily = at('DAILY', { Timezone: 'UTC-05' });
    const weekly = at('WEEKLY', { IsLocalTime: true, Timezone: 'UTC+01' });
    const monthly = at('MONTHLY', { Timezone: 'UTC+10:30' });
    // Assess: 08:00 UTC is 13:30 at +05:30 and 03:00 at -05; a fixed offset no zone keeps is written in UTC.
    expect(once).toMatchObject({ at: '2027-01-04T13:30', timezone: 'Asia/Kolkata' });
    expect(once?.end).toBeUndefined();
    expect(hourly).toMatchObject({
      rate: 'PT1H',
      start: '2027-01-04T08:00',
      end: '2027-06-01T00:00',
      timezone: 'UTC',
    });
    expect(daily).toMatchObject({ rate: 'P1D', start: '2027-01-04T03:00', timezone: 'Etc/GMT+5' });
    expect(weekly).toMatchObject({
      rate: 'P1W',
      start: '2027-01-04T09:00',
      timezone: 'local',
      withoutTimezone: 'Etc/GMT-1',
    });
    expect(monthly).toMatchObject({ cron: '0 8 4 * *', start: '2027-01-04T08:00', timezone: 'UTC' });
  });

  it('takes the newest version the export holds, and says which', () => {
    // Prepare: the campaign's own file is version 1; the versions folder holds version 2 with a later time.
    const first = campaign({ Version: 1 });
    const second = campaign({
      Version: 2,
      Schedule: { Frequency: 'ONCE', StartTime: '2027-04-01T10:00:00Z' },
    });
    // Act
    const { campaign: out, report } = importWith(first, second);
    // Assess
    expect(out?.schedule.at).toBe('2027-04-01T10:00');
    expect(report?.name).toBe('Spring offer (version 2)');
    expect(report?.file).toBe('campaigns-versions/c-1/1.json');
  });

  it('writes the channels of several templates as one template, with a changed meaning in the report', () => {
    // Prepare
    const both = campaign({
      TemplateConfiguration: { EmailTemplate: { Name: 'A' }, SMSTemplate: { Name: 'C' } },
    });
    // Act
    const { campaign: out, text, notes } = importWith(both);
    const combined = parse(text('templates/spring-offer.yaml') ?? '');
    // Assess
    expect(out?.message).toEqual({ channel: ['email', 'sms'], template: 'spring-offer' });
    expect(combined.email.subject).toBe('A');
    expect(combined.sms.body).toBe('C');
    expect(notes.some((n) => n.startsWith('MessageConfiguration: Pinpoint sent each endpoint'))).toBe(true);
  });

  it('falls back to the application limits, and reports what has no equivalent', () => {
    // Prepare
    const limited = campaign({ Limits: { Total: 4, MaximumDuration: 600, Session: 2 }, Priority: 1 });
    const settings = { ApplicationId: 'app-1', Limits: { Daily: 2, MessagesPerSecond: 300 } };
    // Act
    const result = importPinpointExport([
      { file: 'segments/s-1.json', text: JSON.stringify(SEGMENT) },
      { file: 'templates/A-EMAIL.json', text: JSON.stringify(template('A', 'EMAIL')) },
      { file: 'campaigns/c-1.json', text: JSON.stringify(limited) },
      { file: 'application-settings.json', text: JSON.stringify(settings) },
    ]);
    // Assess
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const out = Campaign.parse(
      parse(result.files.find((f) => f.path === 'campaigns/spring-offer.yaml')?.text ?? ''),
    );
    expect(out.limits).toEqual({ perDay: 2, total: 4, messagesPerSecond: 300 });
    expect(out.priority).toBe('normal');
    const report = result.reports.find((r) => r.kind === 'campaign');
    expect(report?.unmapped.map((f) => f.path)).toEqual(['Limits.MaximumDuration', 'Limits.Session']);
    expect(report?.changed.map((f) => f.path)).toContain('Priority');
  });

  it('does not write a campaign whose segment, channel or shares have no Cairn equivalent', () => {
    // Act
    const inApp = importWith(campaign({ Schedule: { Frequency: 'IN_APP_EVENT', StartTime: 'IMMEDIATE' } }));
    const noSegment = importWith(campaign({ SegmentId: 's-gone' }));
    const voiceOnly = importWith(campaign({ TemplateConfiguration: { VoiceTemplate: { Name: 'V' } } }));
    const tooMuch = importWith(
      campaign({
        HoldoutPercent: 50,
        AdditionalTreatments: [{ Id: 't', SizePercent: 50, TreatmentName: 'b' }],
      }),
    );
    const roundsToNothing = importWith(
      campaign({
        AdditionalTreatments: [
          {
            Id: 't',
            SizePercent: 0.001,
            TreatmentName: 'b',
            TemplateConfiguration: { EmailTemplate: { Name: 'B' } },
          },
        ],
      }),
    );
    // Assess
    expect(roundsToNothing.notes).toContain('(campaign file): Too small: expected number to be >0');
    for (const result of [inApp, noSegment, voiceOnly, tooMuch, roundsToNothing]) {
      expect(result.campaign).toBeUndefined();
      expect(result.report?.outputs).toEqual([]);
    }
    expect(inApp.notes).toContain(
      'Schedule.Frequency: IN_APP_EVENT campaigns show in-app messages, which are not a Cairn channel',
    );
    expect(noSegment.notes).toContain('SegmentId: segment s-gone was not imported');
    expect(voiceOnly.notes).toContain('TemplateConfiguration.VoiceTemplate: Cairn has no voice channel');
    expect(
      tooMuch.notes.some((n) => n.startsWith('AdditionalTreatments: the treatments and holdout leave')),
    ).toBe(true);
  });

  it('writes an IMMEDIATE start as the creation time, and says so', () => {
    // Act
    const { campaign: out, notes } = importWith(
      campaign({
        CreationDate: '2026-05-01T12:00:00.000Z',
        Schedule: { Frequency: 'ONCE', StartTime: 'IMMEDIATE' },
      }),
    );
    // Assess
    expect(out?.schedule.at).toBe('2026-05-01T12:00');
    expect(
      notes.some((n) => n.startsWith('Schedule.StartTime: IMMEDIATE: it started when it was published')),
    ).toBe(true);
  });
});
