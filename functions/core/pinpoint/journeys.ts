import type {
  Condition,
  EntryRules,
  Journey,
  JourneyLimits,
  JourneyStatus,
  Trigger,
} from '../journeys/schema.ts';
import { SEGMENT_ENTERED, SEGMENT_SOURCE } from '../segments/schema.ts';
import { parseDuration } from '../time/duration.ts';
import { type ActivityContext, activitySteps } from './activities.ts';
import { eventPattern } from './dimensions.ts';
import type { ObjectFindings } from './report.ts';
import type { PinpointJourney } from './source.ts';

/** A journey file's content as written (defaults left out where Pinpoint said nothing). */
export type JourneyOut = Omit<Journey, 'entry' | 'onCap' | 'description' | 'category'> & {
  description: string;
  entry?: EntryRules;
};

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
): { trigger: Trigger; audience?: Condition } | undefined {
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
    findings.change(
      'StartCondition.SegmentStartCondition',
      `customers enter when they join segment ${segment} (its Segment Entered event): Pinpoint enrolled the segment's members ` +
        'when the journey started and at each refresh; customers already in it when Cairn starts enter when their membership is next evaluated to true after not being so',
    );
    return {
      trigger: {
        event: {
          source: [SEGMENT_SOURCE],
          'detail-type': [SEGMENT_ENTERED],
          detail: { properties: { segment: [segment] } },
        },
      },
    };
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
  return { trigger: { event: pattern }, ...(audience ? { audience } : {}) };
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
  if (limits?.MessagesPerSecond)
    findings.skip(
      'Limits.MessagesPerSecond',
      'Cairn sends at the rate the channels allow (docs/channels.md)',
    );
  if (limits?.TimeframeCap)
    findings.skip(
      'Limits.TimeframeCap',
      'Cairn journeys cap per day and in total; use a cap rule in policies.yaml',
    );
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Journey settings Cairn does not keep per journey, said once each. */
function reportJourneySettings(journey: PinpointJourney, findings: ObjectFindings): void {
  if (journey.Schedule)
    findings.skip(
      'Schedule',
      'Cairn journeys have no start and end times: set status active when it should begin and paused or archived when it should end',
    );
  if (journey.QuietTime || journey.OpenHours || journey.ClosedDays)
    findings.change(
      'QuietTime, OpenHours, ClosedDays',
      'written to policies.yaml, where they apply to the sends of every journey, not this one alone',
    );
  if (journey.WaitForQuietTime === false)
    findings.change('WaitForQuietTime', 'a send in quiet time is dropped (behaviour: drop) in policies.yaml');
  if (journey.LocalTime === false)
    findings.change(
      'LocalTime',
      "Cairn's quiet time and open hours are always in the customer's own time zone",
    );
  if (journey.RefreshFrequency || journey.RefreshOnSegmentUpdate !== undefined)
    findings.change(
      'RefreshFrequency',
      "no refresh is needed: segment membership changes with each of the customer's events",
    );
  if (journey.JourneyChannelSettings)
    findings.skip('JourneyChannelSettings', 'Amazon Connect campaigns have no Cairn equivalent');
  if (journey.TimezoneEstimationMethods)
    findings.change(
      'TimezoneEstimationMethods',
      'the time zone comes from the profile, then the phone number (docs/profile.md)',
    );
  if (journey.SendingSchedule !== undefined)
    findings.skip('SendingSchedule', 'Cairn has no per-journey sending schedule');
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
  const status = journey.State ? STATES[journey.State] : 'draft';
  if (journey.State === 'ACTIVE')
    findings.change('State', 'ACTIVE is imported as active: check the report before you deploy it');
  const first = mapped.stepOf.get(startActivity);
  return {
    id,
    name: journey.Name,
    description: `Imported from Pinpoint journey ${journey.Id} by cairn pinpoint import.`,
    status,
    ...start,
    ...(entry ? { entry } : {}),
    ...(limits ? { limits } : {}),
    ...(first !== undefined && first !== mapped.steps[0]?.id ? { start: first } : {}),
    steps: mapped.steps,
  };
}
