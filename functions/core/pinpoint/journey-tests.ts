import type { CallStub } from '../calls/stubs.ts';
import { percentileOf } from '../engine/bucket.ts';
import type { ExpectedEnrollment, TestEngagement } from '../journey-tests/schema.ts';
import type { Condition } from '../journeys/schema.ts';
import { type Decision, type Path, walk } from './journey-paths.ts';
import type { JourneyOut } from './journeys.ts';
import type { SegmentOut } from './segments.ts';
import { type Timing, timingOf } from './test-timing.ts';
import { matches, merge, recordOf, segmentOfTrigger, triggerEvent, witnessOf } from './witness.ts';

/**
 * A journey test for an imported journey: one customer down each path from the entry to each end, so that a
 * migrating team has a regression net from day one. The customer of a path is built to take it: traits that
 * match the segment conditions it passes (their profile patterns), the events its history conditions count,
 * the engagement its engagement conditions ask, and a user id that splits and holdouts send its way. A path
 * whose customer cannot be built so (a segment counting events, a NOT over a segment on a branch it must not
 * take) is left out and named.
 */

/** A test case as written: checked by the journey test schema when it is read (cairn test). */
type CaseOut = {
  name: string;
  profiles: Record<string, unknown>;
  events: Record<string, unknown>[];
  engagement: TestEngagement[];
  until: string;
  expect: { messages: { user: string; step: string; status: 'SENT' }[]; enrollments: ExpectedEnrollment[] };
};

export type TestFileOut = {
  journeys: string[];
  start: string;
  policies: false;
  calls?: CallStub[];
  cases: CaseOut[];
};

const MINUTE = 60_000;

/** The profile pattern a segment is exactly, when it is one (no include, exclude, history or stages). */
function profileOnly(
  segments: ReadonlyMap<string, SegmentOut>,
  id: string,
): Record<string, unknown> | undefined {
  const s = segments.get(id);
  if (!s || s.include || s.exclude || !s.when) return undefined;
  const { profile, ...rest } = s.when;
  return profile && Object.keys(rest).length === 0 ? profile : undefined;
}

const BASE_TRAITS = { email: 'walker@example.com', phone: '+447911123456' };
const DEVICE = { device: { token: 'walker-device-token', platform: 'ios' } };

function viewOf(userId: string, traits: Record<string, unknown>): Record<string, unknown> {
  return {
    userId,
    traits,
    stage: null,
    timezone: 'UTC',
    locale: null,
    lists: [],
    reachable: { email: true, sms: true, push: true },
  };
}

function relative(ms: number): string {
  const minutes = Math.ceil(ms / MINUTE);
  return `+${Math.floor(minutes / 1440)}d${Math.floor((minutes % 1440) / 60)}h${minutes % 60}m`;
}

type Built = { case: CaseOut } | { skipped: string };

/** A user id whose buckets take every split and holdout decision of the path. */
function userFor(journeyId: string, index: number, decisions: readonly Decision[]): string | undefined {
  for (let k = 0; k < 10_000; k++) {
    const user = `walker-${index + 1}-${k}`;
    if (decisions.every((d) => d.kind !== 'bucket' || inBucket(percentileOf(user, journeyId, d.step), d)))
      return user;
  }
  return undefined;
}

function inBucket(point: number, d: Extract<Decision, { kind: 'bucket' }>): boolean {
  return point >= d.from && point < d.to;
}

type Needs = {
  patterns: Record<string, unknown>[];
  events: Record<string, unknown>[];
  engagement: TestEngagement[];
};

const ENGAGEMENT: Record<string, TestEngagement['is']> = {
  opened: 'opened',
  clicked: 'clicked',
  bounced: 'bounced',
};

/** The event a history condition counts, sent just after the wait before the decision began. */
function historyEvent(
  history: NonNullable<Condition['history']>,
  at: number,
  user: string,
): Record<string, unknown> | undefined {
  const type = witnessOf(history.event)['detail-type'];
  if (typeof type !== 'string') return undefined;
  const properties = recordOf(witnessOf(recordOf(history.event.detail)).properties);
  return { at: relative(at), user, type, source: 'com.example.app', properties };
}

/** What the path's conditions ask of its customer: traits (profile patterns), events and engagement. */
function needsOf(
  conditions: readonly { condition: Condition; since: number }[],
  segments: ReadonlyMap<string, SegmentOut>,
  path: Path,
  user: string,
  offset: number,
): Needs | { skipped: string } {
  const needs: Needs = { patterns: [], events: [], engagement: [] };
  for (const { condition, since } of conditions) {
    if (condition.segment) {
      const pattern = profileOnly(segments, condition.segment);
      if (!pattern) return { skipped: `segment ${condition.segment} is not a profile pattern alone` };
      needs.patterns.push(pattern);
    }
    if (condition.history) {
      const event = historyEvent(condition.history, offset + since + MINUTE, user);
      if (!event) return { skipped: 'no event type to send for a history condition' };
      needs.events.push(event);
    }
    const wanted = condition.engagement;
    if (wanted) {
      const sent = path.sends.findLast((s) => s.step === wanted.step);
      if (!sent || wanted.is.startsWith('not-')) return { skipped: `engagement ${wanted.is} cannot be fed` };
      needs.engagement.push({
        at: relative(offset + sent.at + MINUTE),
        user,
        step: sent.step,
        is: ENGAGEMENT[wanted.is] ?? 'delivered',
      });
    }
  }
  return needs;
}

/** Why the customer would not take the path: they match an earlier branch, or a check cannot be made. */
function takesAnotherBranch(
  segments: ReadonlyMap<string, SegmentOut>,
  path: Path,
  view: Record<string, unknown>,
): string | undefined {
  for (const d of path.decisions) {
    if (d.kind !== 'branch') continue;
    for (const fails of d.fails) {
      if (fails.engagement?.is.startsWith('not-')) return `engagement ${fails.engagement.is} must not hold`;
      if (!fails.segment) continue;
      const pattern = profileOnly(segments, fails.segment);
      if (!pattern) return `segment ${fails.segment} is not a profile pattern alone`;
      if (matches(pattern, view)) return 'its customer would also match an earlier branch';
    }
  }
  return undefined;
}

/** The segment the trigger enrolls the members of, or that they enter. */
function segmentOfEntry(journey: JourneyOut): string | undefined {
  const { event, segment, schedule } = journey.trigger;
  if (segment) return segment.id;
  if (schedule) return schedule.segment;
  return event?.source !== undefined ? segmentOfTrigger(event) : undefined;
}

/** The conditions a customer on the path must meet: the audience, the segment they enter, the branches taken. */
function conditionsOf(journey: JourneyOut, path: Path): { condition: Condition; since: number }[] {
  const entered = segmentOfEntry(journey);
  return [
    ...(journey.audience ? [{ condition: journey.audience, since: 0 }] : []),
    ...(entered !== undefined ? [{ condition: { segment: entered }, since: 0 }] : []),
    ...path.decisions.flatMap((d) =>
      d.kind === 'branch' ? d.holds.map((condition) => ({ condition, since: d.since })) : [],
    ),
  ];
}

/** The event the customer enters with: none when a run enrolls them, a profile update when joining a segment. */
function entryEvent(
  journey: JourneyOut,
  timing: Timing,
  user: string,
  traits: Record<string, unknown>,
): Record<string, unknown>[] | undefined {
  if (timing.scheduled) return [];
  const bySegment = segmentOfEntry(journey) !== undefined;
  const trigger = bySegment
    ? { type: 'Profile Updated', properties: {} }
    : triggerEvent(journey.trigger.event ?? {});
  if (!trigger) return undefined;
  return [{ at: '+0m', user, source: 'com.example.app', ...trigger, ...(bySegment ? { traits } : {}) }];
}

function buildCase(
  journey: JourneyOut,
  segments: ReadonlyMap<string, SegmentOut>,
  path: Path,
  index: number,
  timing: Timing,
): Built {
  const name = path.label.length > 0 ? path.label.join(', ') : 'the only path';
  const user = userFor(journey.id, index, path.decisions);
  if (user === undefined) return { skipped: `${name}: no user id lands in its split buckets` };
  const offset = timing.enteredAt - timing.start;
  const needs = needsOf(conditionsOf(journey, path), segments, path, user, offset);
  if ('skipped' in needs) return { skipped: `${name}: ${needs.skipped}` };
  let traits: Record<string, unknown> = { ...BASE_TRAITS };
  for (const pattern of needs.patterns) traits = merge(traits, recordOf(witnessOf(pattern).traits));
  const view = viewOf(user, traits);
  if (needs.patterns.some((pattern) => !matches(pattern, view)))
    return { skipped: `${name}: no profile matches its segment conditions` };
  const other = takesAnotherBranch(segments, path, view);
  if (other) return { skipped: `${name}: ${other}` };
  const entry = entryEvent(journey, timing, user, traits);
  if (!entry) return { skipped: `${name}: no event matches the trigger` };
  // Joining a segment: the traits come with the entry event, so that the customer joins then.
  const joinsByEvent = entry.some((e) => 'traits' in e);
  const expected: ExpectedEnrollment = {
    user,
    journey: journey.id,
    exit: path.end,
    ...(path.heldOut ? { holdout: true } : {}),
    ...(path.variant ? { variant: path.variant } : {}),
  };
  const sent: CaseOut['expect']['messages'] = path.sends.map((s) => ({ user, step: s.step, status: 'SENT' }));
  const until = Math.min(
    offset + path.elapsed + 2 * 1440 * MINUTE,
    (timing.latest ?? Infinity) - timing.start,
  );
  return {
    case: {
      name,
      profiles: {
        [user]: { traits: joinsByEvent ? BASE_TRAITS : traits, timezone: 'UTC', context: DEVICE },
      },
      events: [...entry, ...needs.events],
      engagement: needs.engagement,
      until: relative(until),
      expect: { messages: sent, enrollments: [expected] },
    },
  };
}

/** The journey test file of an imported journey, and the paths left out with why. */
export function journeyTest(
  journey: JourneyOut,
  segments: ReadonlyMap<string, SegmentOut>,
): { file?: TestFileOut; skipped: string[] } {
  const timing = timingOf(journey);
  if ('skipped' in timing) return { skipped: [`every path: ${timing.skipped}`] };
  const paths = walk(journey, timing.enteredAt);
  const cases: CaseOut[] = [];
  const skipped: string[] = [];
  paths.forEach((path, i) => {
    const built = buildCase(journey, segments, path, i, timing);
    if ('case' in built) cases.push(built.case);
    else skipped.push(built.skipped);
  });
  const callSteps = journey.steps.filter((s) => s.type === 'call').map((s) => s.id);
  if (cases.length === 0) return { skipped };
  return {
    file: {
      journeys: [journey.id],
      start: new Date(timing.start).toISOString(),
      policies: false,
      ...(callSteps.length > 0 ? { calls: callSteps.map((step) => ({ step, answer: {} })) } : {}),
      cases,
    },
    skipped,
  };
}
