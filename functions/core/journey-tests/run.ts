import { parseConfigFile } from '../diagnostics/config-file.ts';
import type { Problem } from '../diagnostics/problem.ts';
import { JourneyCatalog } from '../engine/catalog.ts';
import { type CustomerEvent, parseCustomerEvent } from '../events/index.ts';
import type { Journey } from '../journeys/schema.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import { noPolicies, type Policies } from '../policies/config.ts';
import { applyEventToProfile, emptyProfile, type Profile } from '../profile/profile.ts';
import type { Segment } from '../segments/schema.ts';
import { Simulation } from '../simulate/simulation.ts';
import type { CallRecord, EnrollmentRecord, MessageRecord } from '../simulate/tally.ts';
import type { LoadedTemplate } from '../templates/load.ts';
import { engagementRecord, type HandedMessage } from './feedback.ts';
import {
  type ExpectedCall,
  type ExpectedEmitted,
  type ExpectedEnrollment,
  type ExpectedMessage,
  JourneyTestFile,
  type TestCase,
  type TestEngagement,
  type TestProfile,
} from './schema.ts';

export type CaseResult = { name: string; failures: string[] };

export function parseJourneyTestFile(
  file: string,
  text: string,
): { test?: JourneyTestFile; problems: Problem[] } {
  const { value, problems } = parseConfigFile(JourneyTestFile, file, text);
  return value ? { test: value, problems } : { problems };
}

const RELATIVE = /^\+(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export function resolveTime(text: string, start: number): number {
  const match = RELATIVE.exec(text);
  if (!match) return Date.parse(text);
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return start + ((((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000;
}

function relative(iso: string, start: number): string {
  const ms = Date.parse(iso) - start;
  if (ms < 0) return iso;
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `+${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m || (!d && !h) ? `${m}m` : ''}`;
}

function initialProfile(userId: string, given: TestProfile, start: number): Profile {
  const traits = given.timezone ? { ...given.traits, timezone: given.timezone } : given.traits;
  const identify = parseCustomerEvent({
    id: `test-profile-${userId}`,
    source: 'cairn.test',
    'detail-type': 'Identify',
    time: new Date(start).toISOString(),
    detail: { userId, traits, ...(given.context ? { context: given.context } : {}) },
  });
  if (!identify.ok)
    throw new Error(
      `profile of ${userId}: ${identify.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  const profile = applyEventToProfile(emptyProfile(), identify.event, start);
  return given.stage ? { ...profile, stage: given.stage, stageSince: start } : profile;
}

function toEvent(event: TestCase['events'][number], index: number, start: number): CustomerEvent {
  return {
    version: '0',
    id: event.id ?? `test-event-${index}`,
    source: event.source,
    'detail-type': event.type,
    time: new Date(resolveTime(event.at, start)).toISOString(),
    resources: [],
    detail: {
      userId: event.user,
      properties: event.properties,
      ...(event.eventId ? { eventId: event.eventId } : {}),
      ...(event.traits ? { traits: event.traits } : {}),
      ...(event.context ? { context: event.context } : {}),
    },
  };
}

/** What a journey test runs with, beside its own file: what the journeys folder holds. */
export type TestSetup = {
  journeys: readonly Journey[];
  /** The segments in segments/ beside the journeys. */
  segments?: readonly Segment[];
  templates: Map<string, LoadedTemplate>;
  lifecycle?: LifecycleModel;
  /** journeys/policies.yaml, applied unless the test says `policies: false`. */
  policies?: Policies;
};

/**
 * Runs one case of a journey test through the simulator (the runtime's use cases on in-memory ports) and
 * compares what happened with what it expects. Messages and enrollments must match exactly (any order);
 * refusals must include the listed ones.
 */
export async function runTestCase(
  test: JourneyTestFile,
  testCase: TestCase,
  setup: TestSetup,
): Promise<CaseResult> {
  if (test.policies && !setup.policies)
    return {
      name: testCase.name,
      failures: [
        'the delivery policies apply by default and need journeys/policies.yaml; or say "policies: false"',
      ],
    };
  const start = Date.parse(test.start);
  const profiles = new Map<string, Profile>(
    Object.entries({ ...test.profiles, ...testCase.profiles }).map(([user, p]) => [
      user,
      initialProfile(user, p, start),
    ]),
  );
  const refusals: string[] = [];
  const emitted: EmittedRecord[] = [];
  const simulation = new Simulation({
    config: {
      catalog: new JourneyCatalog(setup.journeys, setup.segments),
      lifecycle: test.lifecycle ? setup.lifecycle : undefined,
      policies: (test.policies ? setup.policies : undefined) ?? noPolicies(),
      templates: setup.templates,
      defaultTimezone: test.timezone,
    },
    profiles,
    calls: [...(testCase.calls ?? []), ...(test.calls ?? [])],
    observer: {
      observe: (observation) => {
        if (observation.type !== 'applied') return;
        for (const effect of observation.effects)
          if (effect.type === 'not-enrolled')
            refusals.push(`${effect.userId} ${effect.journeyId} ${effect.reason}`);
          else if (effect.type === 'event-emitted') emitted.push(effect);
      },
    },
  });
  const events = testCase.events
    .map((e, i) => toEvent(e, i, start))
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  // Events and engagement in time order; at the same time, events first (sort is stable).
  const inputs: Input[] = [
    ...events.map((event): Input => ({ at: Date.parse(event.time), event })),
    ...testCase.engagement.map(
      (engagement): Input => ({ at: resolveTime(engagement.at, start), engagement }),
    ),
  ].sort((a, b) => a.at - b.at);
  const failures: string[] = [];
  // The machine starts at the test's start, so that a scheduled journey's runs from then on are its runs.
  await simulation.runTo(start);
  for (const input of inputs) {
    if ('event' in input) await simulation.processEvent(input.event);
    else failures.push(...(await feedEngagement(simulation, input.engagement, input.at, start)));
  }
  const lastAt = events.length > 0 ? Date.parse(events.at(-1)?.time ?? '') : start;
  await simulation.finish(testCase.until ? resolveTime(testCase.until, start) : lastAt + 30 * 86_400_000);

  const { expect } = testCase;
  if (expect.messages) {
    failures.push(
      ...compare(
        'message',
        expect.messages,
        [...simulation.tally.messages.values()],
        (e, a) => messageMatches(e, a, start),
        (m) => showMessage(m, start),
        (e) => showExpectedMessage(e),
      ),
    );
  }
  if (expect.enrollments) {
    failures.push(
      ...compare(
        'enrollment',
        expect.enrollments,
        [...simulation.tally.enrollments.values()],
        enrollmentMatches,
        showEnrollment,
        showExpectedEnrollment,
      ),
    );
  }
  if (expect.emitted) {
    failures.push(
      ...compare(
        'emitted event',
        expect.emitted,
        emitted,
        (e, a) => emittedMatches(e, a, start),
        (a) => showEmitted(a, start),
        showExpectedEmitted,
      ),
    );
  }
  if (expect.calls) {
    failures.push(
      ...compare(
        'call',
        expect.calls,
        [...simulation.tally.calls.values()],
        callMatches,
        showCall,
        showExpectedCall,
      ),
    );
  }
  for (const refusal of expect.notEnrolled ?? []) {
    const wanted = `${refusal.user} ${refusal.journey} ${refusal.reason}`;
    if (!refusals.includes(wanted))
      failures.push(
        `expected refusal not found: ${wanted}${refusals.length ? ` (refusals: ${refusals.join('; ')})` : ''}`,
      );
  }
  return { name: testCase.name, failures };
}

type Input = { at: number } & ({ event: CustomerEvent } | { engagement: TestEngagement });

/** What an emit-event step emitted, as the engine's effect says. */
type EmittedRecord = {
  at: number;
  userId: string;
  journeyId: string;
  detailType: string;
  properties: Record<string, unknown>;
};

/**
 * Feeds the provider's record about the latest message the step sent the user by `at` to the feedback use
 * case; a failure of the case when there is no such message or its channel cannot have that engagement.
 */
async function feedEngagement(
  simulation: Simulation,
  engagement: TestEngagement,
  at: number,
  start: number,
): Promise<string[]> {
  await simulation.runTo(at);
  const { user, journey, step, is } = engagement;
  const handed: HandedMessage | undefined = Object.values(simulation.channels)
    .flatMap((channel) => channel.sent)
    .filter(({ message: { intent } }) => intent.userId === user && intent.stepId === step)
    .filter(({ message: { intent } }) => journey === undefined || intent.journeyId === journey)
    .sort((a, b) => a.message.intent.at - b.message.intent.at)
    .at(-1);
  const what = `engagement "${is}" of ${user}'s message from ${journey ?? '*'}/${step} at ${relative(new Date(at).toISOString(), start)}`;
  if (!handed) return [`${what}: no message of that step was sent to ${user} by then`];
  const made = engagementRecord(handed, is, at);
  if ('problem' in made) return [`${what}: ${made.problem}`];
  await simulation.feedback(made.record, at);
  return [];
}

function emittedMatches(e: ExpectedEmitted, a: EmittedRecord, start: number): boolean {
  return (
    e.user === a.userId &&
    e.type === a.detailType &&
    (e.journey === undefined || e.journey === a.journeyId) &&
    (e.at === undefined || resolveTime(e.at, start) === a.at) &&
    Object.entries(e.properties ?? {}).every(
      ([key, value]) => JSON.stringify(a.properties[key]) === JSON.stringify(value),
    )
  );
}

function showEmitted(a: EmittedRecord, start: number): string {
  return `${a.userId} ${a.journeyId} "${a.detailType}" ${JSON.stringify(a.properties)} at ${relative(new Date(a.at).toISOString(), start)}`;
}

function showExpectedEmitted(e: ExpectedEmitted): string {
  const properties = e.properties ? ` ${JSON.stringify(e.properties)}` : '';
  return `${e.user} ${e.journey ?? '*'} "${e.type}"${properties}${e.at ? ` at ${e.at}` : ''}`;
}

function compare<E, A>(
  what: string,
  expected: readonly E[],
  actual: readonly A[],
  matches: (e: E, a: A) => boolean,
  showActual: (a: A) => string,
  showExpected: (e: E) => string,
): string[] {
  const unmatched = [...actual];
  const failures: string[] = [];
  for (const wanted of expected) {
    const index = unmatched.findIndex((a) => matches(wanted, a));
    if (index >= 0) unmatched.splice(index, 1);
    else failures.push(`- expected ${what} missing: ${showExpected(wanted)}`);
  }
  for (const extra of unmatched) failures.push(`+ unexpected ${what}: ${showActual(extra)}`);
  return failures;
}

function messageMatches(e: ExpectedMessage, a: MessageRecord, start: number): boolean {
  const at = Date.parse(a.at);
  return (
    e.user === a.userId &&
    e.step === a.stepId &&
    e.status === a.status &&
    (e.journey === undefined || e.journey === a.journeyId) &&
    (e.template === undefined || e.template === a.template) &&
    (e.channel === undefined || e.channel === a.channel) &&
    (e.reason === undefined || e.reason === a.reason) &&
    (e.variant === undefined || e.variant === a.variant) &&
    (e.at === undefined || resolveTime(e.at, start) === at) &&
    (e.between === undefined ||
      (resolveTime(e.between[0], start) <= at && at <= resolveTime(e.between[1], start)))
  );
}

function enrollmentMatches(e: ExpectedEnrollment, a: EnrollmentRecord): boolean {
  return (
    e.user === a.userId &&
    e.journey === a.journeyId &&
    (e.exit === undefined || e.exit === a.exitReason) &&
    (e.goal === undefined || e.goal === (a.goalReachedAt !== null)) &&
    (e.holdout === undefined || e.holdout === a.holdout) &&
    (e.variant === undefined || e.variant === a.variant) &&
    (e.waitingAt === undefined || e.waitingAt === a.waitingAt)
  );
}

function showMessage(m: MessageRecord, start: number): string {
  return `${m.userId} ${m.journeyId}/${m.stepId} ${m.template} via ${m.channel ?? m.channels.join('|')} ${m.status} (${m.reason}) at ${relative(m.at, start)}${m.variant ? ` variant ${m.variant}` : ''}`;
}

function showExpectedMessage(e: ExpectedMessage): string {
  const when = e.at ? ` at ${e.at}` : e.between ? ` between ${e.between[0]} and ${e.between[1]}` : '';
  return `${e.user} ${e.journey ?? '*'}/${e.step}${e.template ? ` ${e.template}` : ''}${e.channel ? ` via ${e.channel}` : ''} ${e.status}${e.reason ? ` (${e.reason})` : ''}${when}`;
}

function showEnrollment(a: EnrollmentRecord): string {
  const end = a.exitReason ? `exit ${a.exitReason}` : a.waitingAt ? `waiting at ${a.waitingAt}` : 'enrolled';
  return `${a.userId} ${a.journeyId} ${end}, goal ${a.goalReachedAt ? 'reached' : 'not reached'}${a.holdout ? ', holdout' : ''}${a.variant ? `, variant ${a.variant}` : ''}`;
}

function showExpectedEnrollment(e: ExpectedEnrollment): string {
  const parts = [`${e.user} ${e.journey}`];
  if (e.exit !== undefined) parts.push(e.exit === null ? 'not exited' : `exit ${e.exit}`);
  if (e.goal !== undefined) parts.push(`goal ${e.goal ? 'reached' : 'not reached'}`);
  if (e.holdout !== undefined) parts.push(e.holdout ? 'holdout' : 'not holdout');
  if (e.variant !== undefined) parts.push(`variant ${e.variant}`);
  if (e.waitingAt !== undefined) parts.push(`waiting at ${e.waitingAt}`);
  return parts.join(', ');
}

function outcomeOf(a: CallRecord): ExpectedCall['outcome'] {
  return a.ok === null ? 'waiting' : a.ok ? 'answered' : 'failed';
}

function callMatches(e: ExpectedCall, a: CallRecord): boolean {
  return (
    e.user === a.userId &&
    e.step === a.stepId &&
    e.outcome === outcomeOf(a) &&
    (e.journey === undefined || e.journey === a.journeyId) &&
    (e.reason === undefined || e.reason === a.reason) &&
    (e.attempts === undefined || e.attempts === a.attempts) &&
    (e.saved === undefined || [...e.saved].sort().join() === [...a.saved].sort().join())
  );
}

function showCall(a: CallRecord): string {
  const saved = a.saved.length > 0 ? ` saved ${a.saved.join(',')}` : '';
  return `${a.userId} ${a.journeyId}/${a.stepId} ${outcomeOf(a)}${a.reason ? ` (${a.reason})` : ''} after ${a.attempts} attempt(s)${saved}`;
}

function showExpectedCall(e: ExpectedCall): string {
  const attempts = e.attempts === undefined ? '' : ` after ${e.attempts} attempt(s)`;
  const saved = e.saved ? ` saved ${e.saved.join(',')}` : '';
  return `${e.user} ${e.journey ?? '*'}/${e.step} ${e.outcome}${e.reason ? ` (${e.reason})` : ''}${attempts}${saved}`;
}
