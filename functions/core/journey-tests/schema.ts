import * as z from 'zod';
import { CallStub } from '../calls/stubs.ts';
import { Channel, LifecycleStage } from '../journeys/schema.ts';
import { Engaged } from '../journeys/schema-parts.ts';

/** `+30m`, `+1d2h`, or an absolute ISO-8601 time. Relative times count from the test's `start`. */
export const TestTime = z
  .string()
  .refine(
    (s) => (/^\+(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/.test(s) && s !== '+' ? true : !Number.isNaN(Date.parse(s))),
    {
      message: 'expected a time relative to start such as +30m, +1d2h, or an ISO-8601 time',
    },
  )
  .describe('+30m, +2h, +1d12h, or an ISO-8601 time');

export const TestEvent = z.strictObject({
  at: TestTime,
  user: z.string().min(1),
  type: z.string().min(1).describe('The event name (detail-type).'),
  source: z.string().min(1).default('com.example.shop'),
  id: z
    .string()
    .min(1)
    .optional()
    .describe('EventBridge id; defaults to a unique one. Repeat an id to test re-delivery.'),
  eventId: z.string().min(1).optional(),
  properties: z.record(z.string(), z.json()).default({}),
  traits: z.record(z.string(), z.json()).optional(),
  context: z.record(z.string(), z.json()).optional(),
});
export type TestEvent = z.infer<typeof TestEvent>;

/**
 * What the provider says at `at` about the latest message a send step sent the user: it reaches the journeys
 * through the feedback use case, as a provider's record on AWS does (journey-tests/feedback.ts).
 */
export const TestEngagement = z.strictObject({
  at: TestTime,
  user: z.string().min(1),
  journey: z
    .string()
    .min(1)
    .optional()
    .describe('The journey of the step, when several tested have one of its id.'),
  step: z.string().min(1).describe('The send step whose latest message to the user it is about.'),
  is: Engaged,
});
export type TestEngagement = z.infer<typeof TestEngagement>;

/** A customer known before the test starts, built as if an identify event with these traits had arrived. */
export const TestProfile = z.strictObject({
  traits: z.record(z.string(), z.json()).default({}),
  timezone: z.string().optional().describe('Shorthand for traits.timezone.'),
  context: z.record(z.string(), z.json()).optional().describe('As in an event, e.g. a push device.'),
  stage: LifecycleStage.optional(),
});
export type TestProfile = z.infer<typeof TestProfile>;

export const ExpectedMessage = z.strictObject({
  user: z.string().min(1),
  journey: z.string().min(1).optional(),
  step: z.string().min(1),
  template: z.string().min(1).optional(),
  channel: Channel.optional().describe('The channel it went out on.'),
  status: z.enum(['SENT', 'DEFERRED', 'SKIPPED', 'DROPPED']).default('SENT'),
  reason: z.string().optional(),
  variant: z.string().optional(),
  at: TestTime.optional().describe('Exactly when the outcome was decided.'),
  between: z
    .tuple([TestTime, TestTime])
    .optional()
    .describe('A window [from, to] for when the outcome was decided.'),
});
export type ExpectedMessage = z.infer<typeof ExpectedMessage>;

export const ExpectedEnrollment = z.strictObject({
  user: z.string().min(1),
  journey: z.string().min(1),
  exit: z
    .string()
    .nullable()
    .optional()
    .describe('The exit reason, e.g. goal, completed, exit-criteria:ordered; null: still enrolled.'),
  goal: z.boolean().optional().describe('Whether the goal was reached.'),
  holdout: z.boolean().optional(),
  variant: z.string().nullable().optional(),
  waitingAt: z.string().nullable().optional().describe('The step it waits at when the test ends.'),
});
export type ExpectedEnrollment = z.infer<typeof ExpectedEnrollment>;

/** An event an `emit-event` step emitted; `properties` lists some of its properties, which must be equal. */
export const ExpectedEmitted = z.strictObject({
  user: z.string().min(1),
  journey: z.string().min(1).optional(),
  type: z.string().min(1).describe("The emitted event's name (detail-type)."),
  properties: z.record(z.string(), z.json()).optional(),
  at: TestTime.optional().describe('Exactly when it was emitted.'),
});
export type ExpectedEmitted = z.infer<typeof ExpectedEmitted>;

export const NotEnrolled = z.strictObject({
  user: z.string().min(1),
  journey: z.string().min(1),
  reason: z.string().min(1),
});

export const ExpectedCall = z.strictObject({
  user: z.string().min(1),
  journey: z.string().min(1).optional(),
  step: z.string().min(1),
  outcome: z
    .enum(['answered', 'failed', 'waiting'])
    .default('answered')
    .describe('How the enrollment took it.'),
  reason: z.string().optional().describe("Why it failed, e.g. unknown_outcome or the stub's reason."),
  attempts: z.int().min(0).optional().describe('Requests made to the target, retries included.'),
  saved: z.array(z.string()).optional().describe('The names of the fields it saved.'),
});
export type ExpectedCall = z.infer<typeof ExpectedCall>;

const CallStubs = z
  .array(CallStub)
  .optional()
  .describe('How calls are answered: the first stub that matches answers; a call none answers fails.');

export const TestCase = z.strictObject({
  name: z.string().min(1),
  profiles: z.record(z.string(), TestProfile).default({}),
  events: z.array(TestEvent).default([]),
  engagement: z
    .array(TestEngagement)
    .default([])
    .describe('Provider feedback about messages sent, fed in among the events at their times.'),
  until: TestTime.optional().describe('Run the clock to here; default 30 days after the last event.'),
  calls: CallStubs.describe("Stubs tried before the file's."),
  expect: z.strictObject({
    calls: z.array(ExpectedCall).optional().describe('Exactly these calls, in any order.'),
    messages: z.array(ExpectedMessage).optional().describe('Exactly these messages, in any order.'),
    enrollments: z.array(ExpectedEnrollment).optional().describe('Exactly these enrollments, in any order.'),
    notEnrolled: z.array(NotEnrolled).optional().describe('At least these refusals to enter.'),
    emitted: z.array(ExpectedEmitted).optional().describe('Exactly these emitted events, in any order.'),
  }),
});
export type TestCase = z.infer<typeof TestCase>;

export const JourneyTestFile = z.strictObject({
  $schema: z.string().optional(),
  journeys: z.array(z.string().min(1)).min(1).describe('The journey ids under test; only they are loaded.'),
  start: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time such as 2026-11-02T10:00:00Z'),
  timezone: z.string().default('UTC').describe('For local-time waits when a profile has no timezone.'),
  lifecycle: z
    .boolean()
    .default(false)
    .describe(
      'Classify customers with journeys/lifecycle.yaml (purchases, stages, stage changes over time).',
    ),
  profiles: z
    .record(z.string(), TestProfile)
    .default({})
    .describe("Customers known before every case's first event; a case's own profiles replace them by user."),
  policies: z
    .boolean()
    .default(true)
    .describe(
      'Apply the delivery policies of journeys/policies.yaml (consent, quiet hours, caps) to every send, as ' +
        'the runtime does (the default); false: no caps or held sends, and consent not consulted.',
    ),
  calls: CallStubs,
  cases: z.array(TestCase).min(1),
});
export type JourneyTestFile = z.infer<typeof JourneyTestFile>;
