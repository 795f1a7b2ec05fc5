import type * as z from 'zod';
import type {
  Condition,
  EntryRules,
  Journey,
  JourneyLimits,
  JourneySchedule,
  JourneyStatus,
  Trigger,
} from '../journeys/schema.ts';
import { parseDuration } from '../time/duration.ts';
import { type ActivityContext, activitySteps } from './activities.ts';
import { eventPattern } from './dimensions.ts';
import type { ObjectFindings } from './report.ts';
import { rateOf, scheduleOf } from './schedules.ts';
import type { PinpointJourney } from './source.ts';
import { instantOf } from './zones.ts';

/** A journey file's content as written (defaults left out where Pinpoint said nothing). */
export type JourneyOut = Omit<Journey, 'entry' | 'onCap' | 'description' | 'category' | 'trigger'> & {
  description: string;
  trigger: z.input<typeof Trigger>;
  entry?: EntryRules;
};

type Start = { trigger: z.input<typeof Trigger>; audience?: Condition; window?: boolean };

/**
 * A segment start. Pinpoint enrolled the segment's members when the journey started, then, every
 * RefreshFrequency, those who had joined since: a schedule trigger over the segment, once at the start or
 * every RefreshFrequency from it with members: new. Without a refresh but with RefreshOnSegmentUpdate,
 * customers enter when they join the segment.
 */
function segmentStart(
  journey: PinpointJourney,
  segment: string,
  findings: ObjectFindings,
): Start | undefined {
  const at = 'StartCondition.SegmentStartCondition';
  if (journey.RefreshFrequency === undefined && journey.RefreshOnSegmentUpdate === true) {
    findings.change(
      `${at}, RefreshOnSegmentUpdate`,
      `trigger.segment ${segment} (on-join): a customer enters when they join the segment. Pinpoint also enrolled the members it had when the ` +
        'journey started; in Cairn a customer already in it enters when their membership is next evaluated after they were out of it',
    );
    return { trigger: { segment: { id: segment, enter: 'on-join' } }, window: true };
  }
  const times = {
    StartTime: journey.Schedule?.StartTime,
    EndTime: journey.Schedule?.EndTime,
    Timezone: journey.Schedule?.Timezone,
    local: journey.LocalTime === true,
    where: 'Schedule',
    localPath: 'LocalTime',
  };
  const refresh = journey.RefreshFrequency;
  if (refresh === undefined) {
    const once = scheduleOf(times, { kind: 'once' }, journey.CreationDate, findings);
    if (!once) return undefined;
    findings.map(at, `trigger.schedule over segment ${segment}: its members when the run starts enter, once`);
    return { trigger: { schedule: { segment, ...once } } };
  }
  const rate = rateOf(refresh, 'RefreshFrequency', findings);
  const recurring = rate
    ? scheduleOf(times, { kind: 'rate', rate }, journey.CreationDate, findings)
    : undefined;
  if (!recurring) return undefined;
  findings.change(
    `${at}, RefreshFrequency`,
    `trigger.schedule over segment ${segment}, every ${rate} from ${recurring.start} with members: new: each run resolves the segment as of ` +
      'its start and enrolls the members no earlier run enrolled. Pinpoint refreshed every RefreshFrequency from when the journey was published; ' +
      'Cairn runs at fixed times from schedule.start. A customer enters once however often they leave and rejoin the segment, whatever EndpointReentryCap says',
  );
  if (journey.RefreshOnSegmentUpdate !== undefined)
    findings.change(
      'RefreshOnSegmentUpdate',
      'each run resolves the segment as it is then: an update is seen at the next run',
    );
  return { trigger: { schedule: { segment, ...recurring, members: 'new' } } };
}

const STATES: Record<NonNullable<PinpointJourney['State']>, JourneyStatus> = {
  DRAFT: 'draft',
  ACTIVE: 'active',
  PAUSED: 'paused',
  COMPLETED: 'archived',
  CANCELLED: 'archived',
  CLOSED: 'archived',
};

/** How customers enter: the start condition as a trigger, and an audience when the event start names a segment. */
function triggerOf(
  journey: PinpointJourney,
  context: ActivityContext,
  findings: ObjectFindings,
): Start | undefined {
  const start = journey.StartCondition;
  if (start?.SegmentStartCondition) {
    const segment = context.segmentOf(start.SegmentStartCondition.SegmentId);
    if (segment === undefined) {
      findings.skip(
        'StartCondition.SegmentStartCondition',
        `segment ${start.SegmentStartCondition.SegmentId} was not imported`,
      );
      return undefined;
    }
    return segmentStart(journey, segment, findings);
  }
  const eventStart = start?.EventStartCondition;
  const filter = eventStart?.EventFilter;
  if (!filter) {
    findings.skip('StartCondition', 'a journey needs an event or segment start condition');
    return undefined;
  }
  const pattern = eventPattern(
    filter.Dimensions,
    'StartCondition.EventStartCondition.EventFilter.Dimensions',
    findings,
  );
  if (!pattern) return undefined;
  if (Object.keys(pattern).length === 0) {
    findings.skip(
      'StartCondition.EventStartCondition.EventFilter',
      'an event filter without an event type or attribute',
    );
    return undefined;
  }
  findings.map('StartCondition.EventStartCondition', 'trigger: a customer event matching the filter');
  if (filter.FilterType === 'ENDPOINT')
    findings.change(
      'StartCondition.EventStartCondition.EventFilter.FilterType',
      'endpoint events are customer events in Cairn',
    );
  let audience: Condition | undefined;
  if (eventStart.SegmentId !== undefined) {
    const segment = context.segmentOf(eventStart.SegmentId);
    if (segment === undefined) {
      findings.skip(
        'StartCondition.EventStartCondition.SegmentId',
        `segment ${eventStart.SegmentId} was not imported`,
      );
      return undefined;
    }
    audience = { segment };
    findings.map('StartCondition.EventStartCondition.SegmentId', `audience: members of segment ${segment}`);
  }
  return { trigger: { event: pattern }, ...(audience ? { audience } : {}), window: true };
}

/** EndpointReentryCap and EndpointReentryInterval as entry rules. */
function entryOf(limits: PinpointJourney['Limits'], findings: ObjectFindings): EntryRules | undefined {
  const cap = limits?.EndpointReentryCap;
  const interval = limits?.EndpointReentryInterval;
  if (interval !== undefined && !parseDuration(interval).ok) {
    findings.skip(
      'Limits.EndpointReentryInterval',
      `"${interval}" is not a duration Cairn takes (weeks, days, hours, minutes)`,
    );
    return undefined;
  }
  if (cap === undefined && interval === undefined) {
    findings.change('Limits', 'no re-entry limit given: a customer enters once (Cairn entry.reentry: never)');
    return { reentry: 'never' };
  }
  if (cap === 1) return { reentry: 'never' };
  findings.map('Limits.EndpointReentryCap', 'entry.reentry and entry.maxEntries');
  return { reentry: interval ?? 'always', ...(cap !== undefined && cap > 1 ? { maxEntries: cap } : {}) };
}

function limitsOf(
  limits: PinpointJourney['Limits'],
  total: number | undefined,
  findings: ObjectFindings,
): JourneyLimits | undefined {
  const out: JourneyLimits = {};
  if (limits?.DailyCap) out.perDay = limits.DailyCap;
  if (limits?.TotalCap) out.total = limits.TotalCap;
  else if (total) {
    out.total = total;
    findings.map('Limits.TotalCap', `the application's JourneyLimits.TotalCap (${total}) as limits.total`);
  }
  if (limits?.TimeframeCap)
    findings.skip(
      'Limits.TimeframeCap',
      'Cairn journeys cap per day and in total; use a cap rule in policies.yaml',
    );
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Limits.MessagesPerSecond as the send-rate limit. */
function sendRateOf(
  limits: PinpointJourney['Limits'],
  findings: ObjectFindings,
): { perSecond: number } | undefined {
  const rate = limits?.MessagesPerSecond;
  if (rate === undefined || rate < 1) return undefined;
  const perSecond = Math.min(Math.round(rate), 100_000);
  findings.map(
    'Limits.MessagesPerSecond',
    `sendRate.perSecond: ${perSecond} (sends over it wait for the next free second)`,
  );
  return { perSecond };
}

/**
 * Schedule.StartTime and EndTime as the journey's window (no entry outside it), for a journey whose trigger
 * does not already run at those times (a segment start's schedule trigger does).
 */
function windowOf(journey: PinpointJourney, findings: ObjectFindings): JourneySchedule | undefined {
  const times = journey.Schedule;
  if (!times?.StartTime && !times?.EndTime) return undefined;
  const start = times.StartTime === undefined ? undefined : instantOf(times.StartTime);
  const end = times.EndTime === undefined ? undefined : instantOf(times.EndTime);
  if ((times.StartTime !== undefined && !start) || (times.EndTime !== undefined && !end)) {
    findings.skip('Schedule', 'expected StartTime and EndTime as ISO 8601 instants with a zone');
    return undefined;
  }
  findings.map(
    'Schedule.StartTime, Schedule.EndTime',
    'schedule.start and schedule.end: no entry outside them (an end already past lets no one in: remove it to run the journey on)',
  );
  if (journey.LocalTime === true)
    findings.change(
      'Schedule',
      "the window is two instants: Pinpoint read them in each participant's local time",
    );
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

/** Journey settings Cairn does not keep per journey, said once each. */
function reportJourneySettings(journey: PinpointJourney, findings: ObjectFindings): void {
  const ignored = journey.SendingSchedule === false;
  const kept = [
    journey.QuietTime ? 'QuietTime' : undefined,
    ...(ignored
      ? []
      : [journey.OpenHours ? 'OpenHours' : undefined, journey.ClosedDays ? 'ClosedDays' : undefined]),
  ].filter((k) => k !== undefined);
  if (kept.length > 0)
    findings.change(
      kept.join(', '),
      'written to policies.yaml, where they apply to the sends of every journey, not this one alone',
    );
  if (ignored && (journey.OpenHours || journey.ClosedDays))
    findings.skip(
      'OpenHours, ClosedDays',
      'SendingSchedule is false: Pinpoint did not apply them, so they are not written',
    );
  if (journey.WaitForQuietTime === false)
    findings.change('WaitForQuietTime', 'a send in quiet time is dropped (behaviour: drop) in policies.yaml');
  if (journey.LocalTime === false)
    findings.change(
      'LocalTime',
      "Cairn's quiet time and open hours are always in the customer's own time zone",
    );
  if (
    !journey.StartCondition?.SegmentStartCondition &&
    (journey.RefreshFrequency || journey.RefreshOnSegmentUpdate !== undefined)
  )
    findings.change(
      'RefreshFrequency',
      "an event start needs no refresh: segment membership changes with each of the customer's events",
    );
  if (journey.JourneyChannelSettings)
    findings.skip('JourneyChannelSettings', 'Amazon Connect campaigns have no Cairn equivalent');
  if (journey.TimezoneEstimationMethods)
    findings.change(
      'TimezoneEstimationMethods',
      'the time zone comes from the profile, then the phone number (docs/profile.md)',
    );
  if (journey.SendingSchedule === true)
    findings.map('SendingSchedule', 'OpenHours and ClosedDays were in force: written to policies.yaml');
  if (journey.tags) findings.skip('tags', 'Cairn journeys have no tags');
}

/** A Pinpoint journey as a Cairn journey; undefined when a part that decides who gets what could not be mapped. */
export function importJourney(
  journey: PinpointJourney,
  id: string,
  context: ActivityContext & { applicationTotalCap?: number },
  findings: ObjectFindings,
): JourneyOut | undefined {
  const start = triggerOf(journey, context, findings);
  const entry = entryOf(journey.Limits, findings);
  const activities = journey.Activities ?? {};
  const startActivity = journey.StartActivity ?? Object.keys(activities)[0];
  if (startActivity === undefined || activities[startActivity] === undefined) {
    findings.skip('StartActivity', 'the journey has no activity to start at');
    return undefined;
  }
  const mapped = activitySteps(activities, startActivity, context, findings);
  reportJourneySettings(journey, findings);
  if (!start || !entry || !mapped || mapped.steps.length === 0) return undefined;
  for (const [activity, step] of mapped.stepOf) findings.map(`Activities.${activity}`, `step ${step}`);
  const limits = limitsOf(journey.Limits, context.applicationTotalCap, findings);
  const sendRate = sendRateOf(journey.Limits, findings);
  const { window, ...entering } = start;
  const schedule = window ? windowOf(journey, findings) : undefined;
  const status = journey.State ? STATES[journey.State] : 'draft';
  if (journey.State === 'ACTIVE')
    findings.change('State', 'ACTIVE is imported as active: check the report before you deploy it');
  const first = mapped.stepOf.get(startActivity);
  return {
    id,
    name: journey.Name,
    description: `Imported from Pinpoint journey ${journey.Id} by cairn pinpoint import.`,
    status,
    ...entering,
    ...(entry ? { entry } : {}),
    ...(limits ? { limits } : {}),
    ...(schedule ? { schedule } : {}),
    ...(sendRate ? { sendRate } : {}),
    ...(first !== undefined && first !== mapped.steps[0]?.id ? { start: first } : {}),
    steps: mapped.steps,
  };
}
