import type { Condition, EngagementIs } from '../journeys/schema-parts.ts';
import { eventPattern } from './dimensions.ts';
import type { ObjectFindings } from './report.ts';
import type { SimpleCondition } from './source.ts';

/** Pinpoint's message events, as a split's EventCondition names them, and the engagement Cairn records. */
const MESSAGE_EVENTS: Record<string, EngagementIs> = {
  '_email.delivered': 'delivered',
  '_email.open': 'opened',
  '_email.click': 'clicked',
  '_email.hardbounce': 'bounced',
  '_email.softbounce': 'bounced',
  '_SMS.SUCCESS': 'delivered',
  '_SMS.FAILURE': 'bounced',
  '_push.delivered': 'delivered',
  '_push.failure': 'bounced',
};

/** What a condition needs from the journey it is in. */
export type ConditionContext = {
  /** The Cairn segment of a Pinpoint segment id. */
  segmentOf: (pinpointId: string) => string | undefined;
  /** A helper segment holding exactly the customers that the dimensions select; undefined when unmapped. */
  dimensionSegment: (
    dims: NonNullable<SimpleCondition['SegmentDimensions']>,
    where: string,
  ) => string | undefined;
  /** The send step of a Pinpoint message activity id, when it is one. */
  sendStepOf: (activityId: string) => string | undefined;
  /** The window an event condition looks back over: the split's evaluation wait. */
  window: string | undefined;
};

/** One Pinpoint SimpleCondition as a Cairn condition, or undefined (said in the findings). */
export function simpleCondition(
  condition: SimpleCondition,
  where: string,
  context: ConditionContext,
  findings: ObjectFindings,
): Condition | undefined {
  const kinds = [condition.EventCondition, condition.SegmentCondition, condition.SegmentDimensions].filter(
    (k) => k !== undefined,
  );
  if (kinds.length !== 1) {
    findings.skip(where, 'expected exactly one of EventCondition, SegmentCondition and SegmentDimensions');
    return undefined;
  }
  if (condition.SegmentCondition) {
    const segment = context.segmentOf(condition.SegmentCondition.SegmentId);
    if (segment === undefined)
      findings.skip(
        `${where}.SegmentCondition`,
        `segment ${condition.SegmentCondition.SegmentId} was not imported`,
      );
    return segment === undefined ? undefined : { segment };
  }
  if (condition.SegmentDimensions) {
    const segment = context.dimensionSegment(condition.SegmentDimensions, `${where}.SegmentDimensions`);
    return segment === undefined ? undefined : { segment };
  }
  const event = condition.EventCondition ?? {};
  if (event.MessageActivity !== undefined) return engagementCondition(event, where, context, findings);
  const pattern = event.Dimensions
    ? eventPattern(event.Dimensions, `${where}.EventCondition.Dimensions`, findings)
    : undefined;
  if (!pattern || Object.keys(pattern).length === 0) {
    if (pattern)
      findings.skip(`${where}.EventCondition`, 'an event condition without an event type or attribute');
    return undefined;
  }
  const within = context.window ?? 'P30D';
  if (context.window === undefined)
    findings.change(
      `${where}.EventCondition`,
      'the split has no WaitFor, so "the event happened" looks back 30 days (history within P30D)',
    );
  findings.map(`${where}.EventCondition`, `the event within ${within} before the split (history condition)`);
  return { history: { event: pattern, within, atLeast: 1 } };
}

function engagementCondition(
  event: NonNullable<SimpleCondition['EventCondition']>,
  where: string,
  context: ConditionContext,
  findings: ObjectFindings,
): Condition | undefined {
  const activity = event.MessageActivity ?? '';
  const step = context.sendStepOf(activity);
  if (step === undefined) {
    findings.skip(
      `${where}.EventCondition.MessageActivity`,
      `activity ${activity} is not an email, SMS or push activity`,
    );
    return undefined;
  }
  const types = event.Dimensions?.EventType?.Values ?? [];
  const [type] = types;
  const is = type === undefined ? undefined : MESSAGE_EVENTS[type];
  if (types.length !== 1 || is === undefined || event.Dimensions?.EventType?.DimensionType === 'EXCLUSIVE') {
    findings.skip(
      `${where}.EventCondition.Dimensions.EventType`,
      `expected one of ${Object.keys(MESSAGE_EVENTS).join(', ')}, found ${types.join(', ') || 'none'}`,
    );
    return undefined;
  }
  findings.map(`${where}.EventCondition`, `${type} of ${activity} is engagement "${is}" of step ${step}`);
  return { engagement: { step, is } };
}
