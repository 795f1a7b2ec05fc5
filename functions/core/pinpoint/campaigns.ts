import type * as z from 'zod';
import { campaignSteps } from '../campaigns/compile.ts';
import type {
  CampaignLimits as CairnLimitsSchema,
  Treatment as CairnTreatment,
  Campaign,
} from '../campaigns/schema.ts';
import type { JourneyStatus } from '../journeys/schema.ts';
import { type MessageContext, type MessageOut, messageOf } from './campaign-messages.ts';
import type { PinpointCampaign } from './campaign-source.ts';
import { eventPattern } from './dimensions.ts';
import type { JourneyOut } from './journeys.ts';
import { UniqueIds } from './names.ts';
import type { ObjectFindings } from './report.ts';
import { type Recurrence, type ScheduleOut, scheduleOf } from './schedules.ts';
import type { CampaignLimits } from './source.ts';
import { instantOf } from './zones.ts';

type CairnLimits = z.input<typeof CairnLimitsSchema>;

/** A campaign file's content as written (defaults left out where Pinpoint said nothing). */
export type CampaignOut = Omit<z.input<typeof Campaign>, 'schedule'> & { schedule: ScheduleOut };

/** A Pinpoint campaign becomes a campaign file, or, when an event sends it, a journey with the same steps. */
export type CampaignImport =
  | { kind: 'campaign'; campaign: CampaignOut }
  | { kind: 'journey'; journey: JourneyOut };

export type CampaignContext = MessageContext & {
  segmentOf: (pinpointId: string) => string | undefined;
  /** The version of the segment that the export holds. */
  segmentVersionOf: (pinpointId: string) => number | undefined;
  /** The application's Limits: Pinpoint's defaults for every campaign. */
  applicationLimits?: CampaignLimits | undefined;
};

const RATES: Record<string, string> = { HOURLY: 'PT1H', DAILY: 'P1D', WEEKLY: 'P1W' };

function recurrenceOf(frequency: string | undefined): Recurrence {
  const rate = RATES[frequency ?? ''];
  if (rate !== undefined) return { kind: 'rate', rate };
  return frequency === 'MONTHLY' ? { kind: 'monthly' } : { kind: 'once' };
}

/** The campaign's state as a Cairn status; a hook or custom delivery Cairn does not keep leaves it a draft. */
function statusOf(c: PinpointCampaign, mustReview: boolean, findings: ObjectFindings): JourneyStatus {
  const state = c.State?.CampaignStatus;
  const status: JourneyStatus = c.IsPaused
    ? 'paused'
    : state === 'SCHEDULED' || state === 'EXECUTING' || state === 'PENDING_NEXT_RUN'
      ? 'active'
      : state === 'PAUSED'
        ? 'paused'
        : state === 'COMPLETED' || state === 'DELETED'
          ? 'archived'
          : 'draft';
  if (mustReview && status !== 'archived') {
    findings.change(
      'State',
      `written as a draft, not ${status}: a part that decided who got what is not mapped (below); activate it once it is settled`,
    );
    return 'draft';
  }
  findings.map(c.IsPaused ? 'IsPaused' : 'State.CampaignStatus', `status: ${status}`);
  if (status === 'active')
    findings.change('State', `${state} is imported as active: check the report before you deploy it`);
  return status;
}

/** Campaign limits, each falling back to the application's as Pinpoint's did. */
function limitsOf(
  c: PinpointCampaign,
  context: CampaignContext,
  findings: ObjectFindings,
): CairnLimits | undefined {
  const app = context.applicationLimits ?? {};
  const own = c.Limits ?? {};
  const pick = (key: 'Daily' | 'Total' | 'MessagesPerSecond', to: string): number | undefined => {
    const value = own[key] ?? app[key];
    if (value === undefined || value <= 0) return undefined;
    findings.map(
      own[key] !== undefined ? `Limits.${key}` : `(application) Limits.${key}`,
      `limits.${to}: ${value}${own[key] === undefined ? " (the application's default for campaigns)" : ''}`,
    );
    return Math.round(value);
  };
  const perDay = pick('Daily', 'perDay');
  const total = pick('Total', 'total');
  const messagesPerSecond = pick('MessagesPerSecond', 'messagesPerSecond (the send-rate limit)');
  if (perDay !== undefined || total !== undefined)
    findings.change(
      'Limits',
      'Pinpoint counted messages per endpoint; Cairn counts them per customer (all their endpoints)',
    );
  const duration = own.MaximumDuration ?? app.MaximumDuration;
  if (duration !== undefined)
    findings.skip(
      'Limits.MaximumDuration',
      "a run hands every entry on at once, or at each member's local time; there is no delivery deadline after the start",
    );
  if (own.Session !== undefined || app.Session !== undefined)
    findings.skip(
      'Limits.Session',
      'messages per session are for in-app messages, which are not a Cairn channel',
    );
  const out = {
    ...(perDay !== undefined ? { perDay } : {}),
    ...(total !== undefined ? { total } : {}),
    ...(messagesPerSecond !== undefined ? { messagesPerSecond: Math.min(messagesPerSecond, 100_000) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Percent of the audience outside the holdout, to two decimals, the main treatment taking the rest. */
function sharesOf(pinpoint: readonly number[], holdout: number): number[] {
  const outside = 100 - holdout;
  const others = pinpoint.slice(1).map((p) => Math.round((p / outside) * 10_000) / 100);
  const rest = Math.round((100 - others.reduce((a, b) => a + b, 0)) * 100) / 100;
  return [rest, ...others];
}

type Sends = { message?: MessageOut; treatments?: z.input<typeof CairnTreatment>[] };

/** The message, or the treatments of an A/B test: the main one (the campaign's own) first. */
function sendsOf(
  c: PinpointCampaign,
  id: string,
  context: CampaignContext,
  findings: ObjectFindings,
): Sends | undefined {
  const holdout = c.HoldoutPercent ?? 0;
  const additional = c.AdditionalTreatments ?? [];
  if (additional.length === 0) {
    const message = messageOf(c, id, '', context, findings);
    return message ? { message } : undefined;
  }
  const main = 100 - holdout - additional.reduce((sum, t) => sum + t.SizePercent, 0);
  if (main <= 0 || additional.some((t) => t.SizePercent <= 0)) {
    findings.skip(
      'AdditionalTreatments',
      `the treatments and holdout leave the main treatment ${main}%: expected more than 0`,
    );
    return undefined;
  }
  const names = new UniqueIds();
  const shares = sharesOf([main, ...additional.map((t) => t.SizePercent)], holdout);
  const treatments: z.input<typeof CairnTreatment>[] = [];
  const sources = [{ ...c, TreatmentName: c.TreatmentName ?? 'default' }, ...additional];
  for (const [i, source] of sources.entries()) {
    const name = names.take(source.TreatmentName ?? `treatment-${i + 1}`);
    const where = i === 0 ? '' : `AdditionalTreatments[${i - 1}]`;
    const message = messageOf(source, `${id}-${name}`, where, context, findings);
    if (!message) return undefined;
    if (i > 0 && additional[i - 1]?.Schedule)
      findings.skip(`${where}.Schedule`, "a Cairn treatment runs on the campaign's schedule");
    treatments.push({ name, percent: shares[i] ?? 0, ...message });
  }
  findings.map(
    'AdditionalTreatments',
    `treatments ${treatments.map((t) => `${t.name} ${t.percent}%`).join(', ')} of the customers outside the holdout ` +
      `(Pinpoint: ${[main, ...additional.map((t) => t.SizePercent)].join(', ')}% of the segment, the main treatment taking what the others and the holdout leave)`,
  );
  return { treatments };
}

/** The audience: the segment, or undefined when it was not imported (the campaign is then not written). */
function audienceOf(
  c: PinpointCampaign,
  context: CampaignContext,
  findings: ObjectFindings,
): string | undefined {
  const segment = context.segmentOf(c.SegmentId);
  if (segment === undefined) {
    findings.skip('SegmentId', `segment ${c.SegmentId} was not imported`);
    return undefined;
  }
  findings.map('SegmentId', `audience.segment: ${segment}`);
  const exported = context.segmentVersionOf(c.SegmentId);
  if (c.SegmentVersion !== undefined && exported !== undefined && c.SegmentVersion !== exported)
    findings.change(
      'SegmentVersion',
      `the campaign used version ${c.SegmentVersion} of the segment; Cairn segments have no versions: version ${exported}, the one exported, is used`,
    );
  return segment;
}

function reportCampaignSettings(c: PinpointCampaign, findings: ObjectFindings): void {
  if (c.Hook)
    findings.skip(
      'Hook',
      `the Lambda function ${c.Hook.LambdaFunctionName ?? c.Hook.WebUrl ?? ''} that ${c.Hook.Mode === 'DELIVERY' ? 'delivered' : 'filtered the segment of'} the campaign is not called: every member of the segment is sent to`,
    );
  if (c.Priority !== undefined)
    findings.change(
      'Priority',
      "Pinpoint's priority ordered in-app messages shown at once; the sends keep Cairn's priority normal",
    );
  if (c.Schedule?.QuietTime)
    findings.change(
      'Schedule.QuietTime',
      'written to policies.yaml, where it applies to every journey and campaign',
    );
  if (c.tags) findings.skip('tags', 'Cairn campaigns have no tags');
}

/** An event campaign as a journey: the event pattern enters, the campaign's steps send. */
function eventJourney(
  c: PinpointCampaign,
  base: { id: string; name: string; description: string; status: JourneyStatus },
  audience: string,
  sends: Sends,
  limits: CairnLimits | undefined,
  findings: ObjectFindings,
): JourneyOut | undefined {
  const filter = c.Schedule?.EventFilter;
  if (!filter) {
    findings.skip('Schedule.EventFilter', 'an EVENT campaign needs an event filter');
    return undefined;
  }
  const pattern = eventPattern(filter.Dimensions, 'Schedule.EventFilter.Dimensions', findings);
  if (!pattern || Object.keys(pattern).length === 0) {
    if (pattern) findings.skip('Schedule.EventFilter', 'an event filter without an event type or attribute');
    return undefined;
  }
  findings.map(
    'Schedule.EventFilter',
    'a journey (campaign files are scheduled) with trigger.event: EventType as detail-type, Attributes and Metrics as detail.properties',
  );
  if (filter.FilterType === 'ENDPOINT')
    findings.change('Schedule.EventFilter.FilterType', 'endpoint events are customer events in Cairn');
  const start = c.Schedule?.StartTime === 'IMMEDIATE' ? undefined : instantOf(c.Schedule?.StartTime ?? '');
  const end = instantOf(c.Schedule?.EndTime ?? '');
  if (start || end)
    findings.map('Schedule.StartTime, EndTime', 'schedule.start and end: no entry outside them');
  const { perDay, total, messagesPerSecond } = limits ?? {};
  return {
    ...base,
    trigger: { event: pattern },
    audience: { segment: audience },
    entry: { reentry: 'always' },
    ...(perDay !== undefined || total !== undefined
      ? { limits: { ...(perDay !== undefined ? { perDay } : {}), ...(total !== undefined ? { total } : {}) } }
      : {}),
    ...(start || end ? { schedule: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
    ...(messagesPerSecond !== undefined ? { sendRate: { perSecond: messagesPerSecond } } : {}),
    steps: campaignSteps({ ...sends, holdout: c.HoldoutPercent || undefined, priority: 'normal' }),
  };
}

/**
 * A Pinpoint campaign (its newest version) as a Cairn campaign file, or as a journey when an event sends it.
 * Undefined when a part that decides who gets what or when cannot be mapped (said in the findings).
 */
export function importCampaign(
  c: PinpointCampaign,
  id: string,
  context: CampaignContext,
  findings: ObjectFindings,
): CampaignImport | undefined {
  const schedule = c.Schedule;
  if (!schedule) {
    findings.skip('Schedule', 'a campaign needs a schedule');
    return undefined;
  }
  if (schedule.Frequency === 'IN_APP_EVENT') {
    findings.skip(
      'Schedule.Frequency',
      'IN_APP_EVENT campaigns show in-app messages, which are not a Cairn channel',
    );
    return undefined;
  }
  const audience = audienceOf(c, context, findings);
  const sends = sendsOf(c, id, context, findings);
  const limits = limitsOf(c, context, findings);
  reportCampaignSettings(c, findings);
  const unsent = c.Hook !== undefined || c.CustomDeliveryConfiguration !== undefined;
  if (audience === undefined || !sends) return undefined;
  const base = {
    id,
    name: c.Name ?? c.Id,
    description: `Imported from Pinpoint campaign ${c.Id}${c.Version !== undefined ? ` (version ${c.Version})` : ''} by cairn pinpoint import.${c.Description ? ` ${c.Description}` : ''}`,
    status: statusOf(c, unsent, findings),
  };
  if (c.HoldoutPercent) findings.map('HoldoutPercent', `holdout: ${c.HoldoutPercent}`);
  if (schedule.Frequency === 'EVENT') {
    const journey = eventJourney(c, base, audience, sends, limits, findings);
    return journey ? { kind: 'journey', journey } : undefined;
  }
  const times = {
    ...schedule,
    local: schedule.IsLocalTime === true,
    where: 'Schedule',
    localPath: 'Schedule.IsLocalTime',
  };
  const mapped = scheduleOf(times, recurrenceOf(schedule.Frequency), c.CreationDate, findings);
  if (!mapped) return undefined;
  findings.map(
    'Schedule.Frequency',
    `${schedule.Frequency ?? 'ONCE'}: ${'at' in mapped && mapped.at ? 'schedule.at' : mapped.rate ? `schedule.rate ${mapped.rate}` : `schedule.cron "${mapped.cron}"`}`,
  );
  return {
    kind: 'campaign',
    campaign: {
      ...base,
      audience: { segment: audience },
      schedule: mapped,
      ...sends,
      ...(c.HoldoutPercent ? { holdout: c.HoldoutPercent } : {}),
      ...(limits ? { limits } : {}),
    },
  };
}
