import type { CallStub } from '../calls/stubs.ts';
import { percentileOf } from '../engine/bucket.ts';
import type { ExpectedEnrollment, TestEngagement } from '../journey-tests/schema.ts';
import type { Condition, Step } from '../journeys/schema.ts';
import { compilePattern, matchesPattern } from '../patterns/index.ts';
import { durationMs } from '../time/duration.ts';
import type { JourneyOut } from './journeys.ts';
import type { SegmentOut } from './segments.ts';

/**
 * A journey test for an imported journey: one customer down each path from the entry to each end, so that a
 * migrating team has a regression net from day one. The customer of a path is built to take it: traits that
 * match the segment conditions it passes (their profile patterns), the events its history conditions count,
 * the engagement its engagement conditions ask, and a user id that splits and holdouts send its way. A path
 * whose customer cannot be built so (a segment counting events, a NOT over a segment on a branch it must not
 * take) is left out and named.
 */

type Decision =
  | { kind: 'branch'; step: string; holds: Condition[]; fails: Condition[]; since: number }
  | { kind: 'bucket'; step: string; from: number; to: number };

type Path = {
  label: string[];
  decisions: Decision[];
  sends: { step: string; at: number }[];
  /** When the latest wait began, from entry: a history condition's event is put just after it. */
  waitedFrom: number;
  calls: string[];
  heldOut: boolean;
  variant?: string;
  end: string;
  elapsed: number;
};

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

const START = Date.parse('2026-11-02T09:00:00Z');
const MINUTE = 60_000;

function walk(journey: JourneyOut): Path[] {
  const byId = new Map(journey.steps.map((s) => [s.id, s]));
  const first = journey.start ?? journey.steps[0]?.id ?? '';
  const paths: Path[] = [];
  const go = (id: string | undefined, path: Path, seen: ReadonlySet<string>) => {
    const step = id === undefined ? undefined : byId.get(id);
    if (step === undefined || seen.has(step.id)) {
      paths.push({ ...path, end: 'completed' });
      return;
    }
    const next = new Set([...seen, step.id]);
    for (const [to, extended] of successors(step, path)) go(to, extended, next);
  };
  go(
    first,
    {
      label: [],
      decisions: [],
      sends: [],
      waitedFrom: 0,
      calls: [],
      heldOut: false,
      end: 'completed',
      elapsed: 0,
    },
    new Set(),
  );
  return paths;
}

/** Where a step can lead, each with the path as it is after the step. */
function successors(step: Step, path: Path): [string | undefined, Path][] {
  const at = path.elapsed;
  switch (step.type) {
    case 'send':
      // A held-out customer's later messages are withheld (the holdout step); the earlier ones were sent.
      return [[step.next, path.heldOut ? path : { ...path, sends: [...path.sends, { step: step.id, at }] }]];
    case 'wait': {
      const waited =
        'duration' in step
          ? durationMs(step.duration)
          : 'until' in step && step.until.at
            ? Math.max(0, Date.parse(step.until.at) - START - at)
            : 0;
      return [[step.next, { ...path, elapsed: at + waited, waitedFrom: at }]];
    }
    case 'branch': {
      const options: [string | undefined, Path][] = step.branches.map((b, i) => [
        b.next,
        {
          ...path,
          label: [...path.label, `${step.id}: ${b.name ?? `branch ${i + 1}`}`],
          decisions: [
            ...path.decisions,
            {
              kind: 'branch',
              step: step.id,
              holds: [b.when],
              fails: step.branches.slice(0, i).map((x) => x.when),
              since: path.waitedFrom,
            },
          ],
        },
      ]);
      options.push([
        step.default,
        {
          ...path,
          label: [...path.label, `${step.id}: otherwise`],
          decisions: [
            ...path.decisions,
            {
              kind: 'branch',
              step: step.id,
              holds: [],
              fails: step.branches.map((x) => x.when),
              since: path.waitedFrom,
            },
          ],
        },
      ]);
      return options;
    }
    case 'split': {
      let from = 0;
      return step.variants.map((v) => {
        const bucket: Decision = { kind: 'bucket', step: step.id, from, to: from + v.percent };
        from += v.percent;
        return [
          v.next,
          {
            ...path,
            variant: v.name,
            label: [...path.label, `${step.id}: ${v.name}`],
            decisions: [...path.decisions, bucket],
          },
        ];
      });
    }
    case 'holdout':
      return [
        [
          step.next,
          {
            ...path,
            heldOut: true,
            label: [...path.label, `${step.id}: held out`],
            decisions: [...path.decisions, { kind: 'bucket', step: step.id, from: 0, to: step.percent }],
          },
        ],
        [
          step.next,
          {
            ...path,
            label: [...path.label, `${step.id}: not held out`],
            decisions: [...path.decisions, { kind: 'bucket', step: step.id, from: step.percent, to: 100 }],
          },
        ],
      ];
    case 'call':
      return [[step.next, { ...path, calls: [...path.calls, step.id] }]];
    case 'exit':
      return [[undefined, { ...path, end: step.reason ? `exit-step:${step.reason}` : 'exit-step' }]];
    default:
      return [[undefined, { ...path, end: 'unsupported' }]];
  }
}

/** A value that an item of a pattern's list matches; undefined for operators it cannot satisfy simply. */
function witnessItem(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const [op, arg] = Object.entries(item)[0] ?? [];
  if (op === 'prefix' && typeof arg === 'string') return `${arg}x`;
  if (op === 'wildcard' && typeof arg === 'string')
    return arg
      .split('\\*')
      .map((part) => part.replace(/\*/g, '').replace(/\\\\/g, '\\'))
      .join('*');
  if (op === 'exists' && arg === true) return 'x';
  if (op === 'anything-but') return 'something-else';
  if (op === 'numeric' && Array.isArray(arg)) {
    const [cmp, value] = arg;
    if (typeof value !== 'number') return undefined;
    return cmp === '>' ? value + 1 : cmp === '<' ? value - 1 : value;
  }
  return undefined;
}

/** A document a profile or event pattern matches, built from the first item of each list. */
function witnessOf(pattern: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value))
      Object.assign(out, witnessOf((value[0] ?? {}) as Record<string, unknown>));
    else if (Array.isArray(value)) out[key] = witnessItem(value[0]);
    else if (typeof value === 'object' && value !== null)
      out[key] = witnessOf(Object.fromEntries(Object.entries(value)));
  }
  return out;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const mine = out[k];
    out[k] =
      typeof mine === 'object' &&
      mine !== null &&
      !Array.isArray(mine) &&
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v)
        ? merge(Object.fromEntries(Object.entries(mine)), Object.fromEntries(Object.entries(v)))
        : v;
  }
  return out;
}

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

function matches(pattern: Record<string, unknown>, document: Record<string, unknown>): boolean {
  const compiled = compilePattern(pattern);
  return compiled.ok && matchesPattern(compiled.pattern, document);
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

function buildCase(
  journey: JourneyOut,
  segments: ReadonlyMap<string, SegmentOut>,
  path: Path,
  index: number,
): Built {
  const name = path.label.length > 0 ? path.label.join(', ') : 'the only path';
  const user = userFor(journey.id, index, path.decisions);
  if (user === undefined) return { skipped: `${name}: no user id lands in its split buckets` };
  let traits: Record<string, unknown> = { ...BASE_TRAITS };
  const events: Record<string, unknown>[] = [];
  const engagement: TestEngagement[] = [];
  const profilePatterns: Record<string, unknown>[] = [];
  const negatives: Record<string, unknown>[] = [];
  const fixedTrigger = journey.trigger.event ?? {};
  const entersBySegment = fixedTrigger.source !== undefined;
  const needs: { condition: Condition; since: number }[] = journey.audience
    ? [{ condition: journey.audience, since: 0 }]
    : [];
  const enteredSegment = entersBySegment ? segmentOfTrigger(fixedTrigger) : undefined;
  if (enteredSegment !== undefined) needs.push({ condition: { segment: enteredSegment }, since: 0 });
  for (const d of path.decisions)
    if (d.kind === 'branch') needs.push(...d.holds.map((condition) => ({ condition, since: d.since })));
  for (const { condition, since } of needs) {
    if (condition.segment) {
      const pattern = profileOnly(segments, condition.segment);
      if (!pattern)
        return { skipped: `${name}: segment ${condition.segment} is not a profile pattern alone` };
      profilePatterns.push(pattern);
    }
    if (condition.history) {
      const witness = witnessOf(condition.history.event);
      const type = witness['detail-type'];
      if (typeof type !== 'string')
        return { skipped: `${name}: no event type to send for a history condition` };
      const properties = witnessOf({
        ...((condition.history.event.detail as Record<string, unknown>) ?? {}),
      }).properties;
      events.push({
        at: relative(since + MINUTE),
        user,
        type,
        source: 'com.example.app',
        properties: (properties ?? {}) as Record<string, never>,
      });
    }
    if (condition.engagement) {
      const sent = path.sends.findLast((s) => s.step === condition.engagement?.step);
      if (!sent || condition.engagement.is.startsWith('not-'))
        return { skipped: `${name}: engagement ${condition.engagement.is} cannot be fed` };
      engagement.push({
        at: relative(sent.at + MINUTE),
        user,
        step: sent.step,
        is:
          condition.engagement.is === 'opened'
            ? 'opened'
            : condition.engagement.is === 'clicked'
              ? 'clicked'
              : condition.engagement.is === 'bounced'
                ? 'bounced'
                : 'delivered',
      });
    }
  }
  for (const pattern of profilePatterns)
    traits = merge(traits, Object.fromEntries(Object.entries(witnessOf(pattern).traits ?? {})));
  const view = viewOf(user, traits);
  for (const pattern of profilePatterns)
    if (!matches(pattern, view)) return { skipped: `${name}: no profile matches its segment conditions` };
  for (const d of path.decisions)
    if (d.kind === 'branch')
      for (const fails of d.fails) {
        if (fails.segment) {
          const pattern = profileOnly(segments, fails.segment);
          if (!pattern)
            return { skipped: `${name}: segment ${fails.segment} is not a profile pattern alone` };
          negatives.push(pattern);
        }
        if (fails.engagement?.is.startsWith('not-'))
          return { skipped: `${name}: engagement ${fails.engagement.is} must not hold` };
      }
  for (const pattern of negatives)
    if (matches(pattern, view))
      return { skipped: `${name}: its customer would also match an earlier branch` };
  const trigger = entersBySegment ? { type: 'Profile Updated', properties: {} } : triggerEvent(fixedTrigger);
  if (!trigger) return { skipped: `${name}: no event matches the trigger` };
  events.unshift({
    at: '+0m',
    user,
    source: 'com.example.app',
    ...trigger,
    ...(entersBySegment ? { traits } : {}),
  });
  const expected: ExpectedEnrollment = {
    user,
    journey: journey.id,
    exit: path.end,
    ...(path.heldOut ? { holdout: true } : {}),
    ...(path.variant ? { variant: path.variant } : {}),
  };
  return {
    case: {
      name,
      profiles: {
        [user]: { traits: entersBySegment ? BASE_TRAITS : traits, timezone: 'UTC', context: DEVICE },
      },
      events,
      engagement,
      until: relative(path.elapsed + 2 * 1440 * MINUTE),
      expect: {
        messages: path.sends.map((s) => ({ user, step: s.step, status: 'SENT' as const })),
        enrollments: [expected],
      },
    },
  };
}

/** The segment a Segment Entered trigger names. */
function segmentOfTrigger(pattern: Record<string, unknown>): string | undefined {
  const detail = witnessOf(pattern).detail;
  const properties =
    typeof detail === 'object' && detail !== null && 'properties' in detail ? detail.properties : undefined;
  const id =
    typeof properties === 'object' && properties !== null && 'segment' in properties
      ? properties.segment
      : undefined;
  return typeof id === 'string' ? id : undefined;
}

function triggerEvent(
  pattern: Record<string, unknown>,
): { type: string; properties: Record<string, never> } | undefined {
  const witness = witnessOf(pattern);
  const type = witness['detail-type'];
  if (typeof type !== 'string') return undefined;
  const detail = witness.detail;
  const properties =
    typeof detail === 'object' && detail !== null && 'properties' in detail ? detail.properties : {};
  return { type, properties: (properties ?? {}) as Record<string, never> };
}

/** The journey test file of an imported journey, and the paths left out with why. */
export function journeyTest(
  journey: JourneyOut,
  segments: ReadonlyMap<string, SegmentOut>,
): { file?: TestFileOut; skipped: string[] } {
  const paths = walk(journey);
  const cases: CaseOut[] = [];
  const skipped: string[] = [];
  paths.forEach((path, i) => {
    const built = buildCase(journey, segments, path, i);
    if ('case' in built) cases.push(built.case);
    else skipped.push(built.skipped);
  });
  const callSteps = journey.steps.filter((s) => s.type === 'call').map((s) => s.id);
  if (cases.length === 0) return { skipped };
  return {
    file: {
      journeys: [journey.id],
      start: new Date(START).toISOString(),
      policies: false,
      ...(callSteps.length > 0 ? { calls: callSteps.map((step) => ({ step, answer: {} })) } : {}),
      cases,
    },
    skipped,
  };
}
