import * as z from 'zod';
import { Category, Channel, OnCap, Priority } from '../journeys/schema-parts.ts';
import { SuppressionReason } from '../policies/suppression-reason.ts';
import { emptyProfile, Profile } from '../profile/profile.ts';

/** The part of the trigger event an enrollment keeps: enough for correlation, conditions and templates. */
export const TriggerRef = z.lazy(() =>
  z.object({
    id: z.string(),
    source: z.string(),
    'detail-type': z.string(),
    time: z.string(),
    detail: z.object({ userId: z.string(), properties: z.record(z.string(), z.json()) }),
  }),
);
export type TriggerRef = z.infer<typeof TriggerRef>;

/**
 * What a journey wait's end does: for `event`, events matching the wait step's event end it early and its timer
 * takes `onTimeout`; for `engagement`, the engagement it waits for (engine/engagement.ts) ends it early and its
 * timer takes `onTimeout`; for `duration` and `until`, its timer takes `next`. An event or engagement wait whose
 * awaited input arrived while its journey was paused becomes a `duration` wait, so that its end takes `next`.
 */
export const WaitKind = z.enum(['duration', 'until', 'event', 'engagement', 'call']);
export type WaitKind = z.infer<typeof WaitKind>;

/** The wait an enrollment is in: the wait step, the timer that ends it and when. */
export const EnrollmentWait = z.lazy(() =>
  z.object({
    stepId: z.string(),
    timerId: z.string(),
    dueAt: z.number(),
    kind: WaitKind,
  }),
);
export type EnrollmentWait = z.infer<typeof EnrollmentWait>;

/**
 * What the provider said about the latest message a send step made in an enrollment (engine/engagement.ts):
 * `v` is the enrollment's visit count when the step sent it (the message id's last part), so that feedback
 * about a message of an earlier visit of a looped step is told apart and ignored. The flags are set once seen:
 * d delivered, o opened, c clicked, b bounced (or failed). Short keys: stored in every write of the state.
 */
export const StepEngagement = z.lazy(() =>
  z.object({
    v: z.number(),
    d: z.literal(true).optional(),
    o: z.literal(true).optional(),
    c: z.literal(true).optional(),
    b: z.literal(true).optional(),
  }),
);
export type StepEngagement = z.infer<typeof StepEngagement>;

export const Enrollment = z.lazy(() =>
  z.object({
    id: z.string(),
    journeyId: z.string(),
    version: z.string(),
    /** The dedupe value (e.g. the cart id), or '' when the journey has no dedupeBy. */
    key: z.string(),
    enteredAt: z.number(),
    trigger: TriggerRef,
    /** active: on a step. completed: ran off the end of the graph, but its goal window is still open. */
    status: z.enum(['active', 'completed']),
    stepId: z.string(),
    wait: EnrollmentWait.optional(),
    holdout: z.boolean(),
    variant: z.string().optional(),
    sends: z.number(),
    /** Step executions so far; makes message and timer ids unique when a loop revisits a step. */
    visits: z.number(),
    /**
     * Per send step that made a message in this enrollment: what the provider said about its latest message.
     * Bounded by the journey's send steps; absent until the first send.
     */
    engagement: z.record(z.string(), StepEngagement).optional(),
    /** Fields saved from call answers (`saveAs`), for branch conditions and templates; bounded (MAX_SAVED_BYTES). */
    saved: z.record(z.string(), z.json()).optional(),
  }),
);
export type Enrollment = z.infer<typeof Enrollment>;

/** Per journey and dedupe value: how many times the customer entered, and when last. */
export const EntryRecord = z.lazy(() => z.object({ count: z.number(), lastAt: z.number() }));
export type EntryRecord = z.infer<typeof EntryRecord>;

/**
 * A send counted against the delivery policies' frequency caps: the message, when it was counted, the cap
 * rules it counts under, and when it stops mattering to all of them (policies/caps-window.ts). Short keys: the
 * list is stored in every write of the customer's state.
 */
export const CountedSend = z.lazy(() =>
  z.object({ m: z.string(), t: z.number(), r: z.array(z.string()), x: z.number() }),
);
export type CountedSend = z.infer<typeof CountedSend>;

/**
 * What the delivery policies keep about a customer between sends (policies/customer-delivery.ts). It is kept
 * in the state, under the state's version, so that counting a send and saving the state are one conditional
 * write (docs/data-model.md, "Request budget"). Absent until the customer's first counted send or suppression;
 * the engine carries it through untouched.
 */
export const CustomerDelivery = z.lazy(() =>
  z.object({
    /** The sends still inside a cap window. */
    counted: z.array(CountedSend).optional(),
    /** The customer's own addresses that are suppressed (bounce, complaint, STOP), and why. */
    suppressed: z.record(z.string(), SuppressionReason).optional(),
  }),
);
export type CustomerDelivery = z.infer<typeof CustomerDelivery>;

/**
 * What a customer's state keeps per journey with a date trigger: what the occurrence was computed from
 * (`basis`: a fingerprint of the journey version, the date value and the zone), so that an event that changes
 * none of them computes nothing; the pending timer, if any; and the last occurrence that fired, so that it
 * never fires twice. No basis: to be computed at the end of the input (a timer just fired).
 */
export const DateSchedule = z.lazy(() =>
  z.object({
    basis: z.number().optional(),
    timer: z.object({ id: z.string(), dueAt: z.number(), occurrence: z.string() }).optional(),
    last: z.string().optional(),
  }),
);
export type DateSchedule = z.infer<typeof DateSchedule>;

export const CustomerState = z.lazy(() =>
  z.object({
    userId: z.string(),
    profile: Profile,
    enrollments: z.array(Enrollment),
    entries: z.record(z.string(), EntryRecord),
    /** Per journey: messages sent ever, and send times in the last 24 hours, for the journey's limits. */
    journeySends: z.record(z.string(), z.object({ total: z.number(), recent: z.array(z.number()) })),
    /**
     * Fingerprints of inputs applied before `seen` existed (no time kept): still checked, and moved into `seen`
     * on the customer's next write. Always empty in states written since.
     */
    processed: z.array(z.number()),
    /**
     * The inputs applied, so that one delivered again at any delay changes nothing (engine/seen.ts): per UTC day
     * of the input's time (an event's own time, a timer's or dropped send's processing time), the 53-bit
     * fingerprints of their dedupe keys as 9 base64url characters each, concatenated. Kept for the event-time
     * window (an older event is refused anyway) and at most SEEN_MAX fingerprints.
     */
    seen: z.record(z.string().regex(/^\d+$/), z.string().regex(/^(?:[\w-]{9})*$/)).optional(),
    /**
     * Enrollments that ended before their steps ran out (goal, exit, dropped send...), as [fingerprint of the
     * enrollment id, when], so that a send they held is dropped when it comes back (`enrollment_ended`).
     * Bounded: ENDED_MEMORY entries, each kept ENDED_MEMORY_MS.
     */
    ended: z.array(z.tuple([z.number(), z.number()])).optional(),
    /** The one pending timer at the customer's next time-driven lifecycle-stage boundary. */
    lifecycleTimer: z.object({ id: z.string(), dueAt: z.number() }).optional(),
    delivery: CustomerDelivery.optional(),
    /** Per journey with a date trigger: the customer's next occurrence (triggers/date.ts). */
    dates: z.record(z.string(), DateSchedule).optional(),
    /**
     * Per journey with a schedule trigger: the latest run that enrolled the customer, so that a run retried or
     * delivered twice enrolls nobody twice, and `members: new` refuses whoever an earlier run enrolled.
     */
    runs: z.record(z.string(), z.string()).optional(),
    /** The ids of the segments the customer is in, sorted, as of the latest input (functions/core/segments/). */
    segments: z.array(z.string()).optional(),
    /**
     * Event history counters (segments/history.ts): per counted pattern's key, the times (epoch seconds) of the
     * latest matching events still inside the longest window that uses it, newest first, at most as many as the
     * largest count a condition asks about. Only the patterns some segment or journey uses are kept.
     */
    history: z.record(z.string(), z.array(z.number())).optional(),
    /** The one pending timer at the customer's next time-driven segment boundary (a window's end...). */
    segmentTimer: z.object({ id: z.string(), dueAt: z.number() }).optional(),
    /**
     * Goal and exit events of the journeys' correlated criteria seen in the order window, as [fingerprint of the
     * criterion and the correlated values, event time in epoch seconds], so that a trigger arriving after them
     * does not enroll (engine/order-window.ts). Bounded: ORDER_MEMORY entries within ORDER_WINDOW_MS.
     */
    endings: z.array(z.tuple([z.number(), z.number()])).optional(),
  }),
);
export type CustomerState = z.infer<typeof CustomerState>;

/**
 * How long and how many ended enrollments a customer remembers. A held send comes back at the latest when
 * the rule that held it frees it: quiet hours and send windows within a week, a cap window within its
 * length; 35 days covers the caps the sample policies use (P7D, P30D). A send held longer than this after
 * its enrollment ended is sent. 16 entries of two numbers cost about 0.4 KB at most, and only customers who
 * leave journeys early carry them.
 */
export const ENDED_MEMORY = 16;
export const ENDED_MEMORY_MS = 35 * 86_400_000;

export function newCustomerState(userId: string): CustomerState {
  return { userId, profile: emptyProfile(), enrollments: [], entries: {}, journeySends: {}, processed: [] };
}

/** The timer that ends an enrollment's wait (its `kind` says what the end does: see WaitKind). */
export const WaitTimer = z.lazy(() =>
  z.object({
    id: z.string(),
    userId: z.string(),
    enrollmentId: z.string(),
    journeyId: z.string(),
    stepId: z.string(),
    dueAt: z.number(),
    kind: WaitKind,
  }),
);
export type WaitTimer = z.infer<typeof WaitTimer>;

/**
 * The timer at a customer's next time-driven lifecycle-stage boundary: it belongs to no enrollment. Timers
 * stored before it was a variant of its own carry empty enrollmentId, journeyId and stepId, which parsing
 * drops.
 */
export const LifecycleTimer = z.lazy(() =>
  z.object({
    id: z.string(),
    userId: z.string(),
    dueAt: z.number(),
    kind: z.literal('lifecycle'),
  }),
);
export type LifecycleTimer = z.infer<typeof LifecycleTimer>;

/**
 * The timer at a customer's next occurrence of a journey's date trigger (a birthday, a renewal): it belongs to
 * no enrollment yet. `occurrence` is the date it is about (YYYY-MM-DD), which keys the entry it makes.
 */
export const DateTimer = z.lazy(() =>
  z.object({
    id: z.string(),
    userId: z.string(),
    journeyId: z.string(),
    dueAt: z.number(),
    occurrence: z.string(),
    kind: z.literal('date'),
  }),
);
export type DateTimer = z.infer<typeof DateTimer>;

/**
 * A member's entry in a scheduled journey's run, at their own local time (triggers/schedule.ts): it belongs to
 * no enrollment yet, and its id is the entry input's (`entry:<journey>:<run>:<user>`), so that a retried run
 * sets the same timer again.
 */
export const EntryTimer = z.lazy(() =>
  z.object({
    id: z.string(),
    userId: z.string(),
    journeyId: z.string(),
    run: z.string(),
    dueAt: z.number(),
    kind: z.literal('entry'),
  }),
);
export type EntryTimer = z.infer<typeof EntryTimer>;

/** The timer at a customer's next time-driven segment boundary: it belongs to no enrollment. */
export const SegmentTimer = z.lazy(() =>
  z.object({
    id: z.string(),
    userId: z.string(),
    dueAt: z.number(),
    kind: z.literal('segments'),
  }),
);
export type SegmentTimer = z.infer<typeof SegmentTimer>;

/**
 * A timer: the end of an enrollment's wait, a lifecycle-stage or a segment boundary, a date, or a scheduled
 * entry; told apart by `kind`.
 */
export const Timer = z.lazy(() =>
  z.discriminatedUnion('kind', [WaitTimer, LifecycleTimer, DateTimer, SegmentTimer, EntryTimer]),
);
export type Timer = z.infer<typeof Timer>;

/** Whether a timer ends an enrollment's wait (and not a boundary, a date or a scheduled entry). */
export function isWaitTimer(timer: Timer): timer is WaitTimer {
  return 'enrollmentId' in timer;
}

export const SendIntent = z.lazy(() =>
  z.object({
    messageId: z.string(),
    userId: z.string(),
    journeyId: z.string(),
    journeyVersion: z.string(),
    enrollmentId: z.string(),
    stepId: z.string(),
    channels: z.array(Channel),
    template: z.string(),
    priority: Priority,
    category: Category,
    tags: z.array(z.string()),
    /** What the delivery policies do when a frequency cap blocks this send; absent means skip. */
    onCap: OnCap.optional(),
    variant: z.string().optional(),
    at: z.number(),
    /** The enrollment's trigger event, for the template's `event` variables (absent in intents queued before). */
    trigger: TriggerRef.optional(),
    /** The enrollment's saved call answers, for the template's `saved` variables (absent when none). */
    saved: z.record(z.string(), z.json()).optional(),
  }),
);
export type SendIntent = z.infer<typeof SendIntent>;
