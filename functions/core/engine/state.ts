import { z } from 'zod';
import { Category, Channel, OnCap, Priority } from '../journeys/schema.ts';
import { emptyProfile, Profile } from '../profile/profile.ts';

/** The part of the trigger event an enrollment keeps: enough for correlation, conditions and templates. */
export const TriggerRef = z.object({
  id: z.string(),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string(),
  detail: z.object({ userId: z.string(), properties: z.record(z.string(), z.json()) }),
});
export type TriggerRef = z.infer<typeof TriggerRef>;

export const WaitKind = z.enum(['duration', 'until', 'event']);

export const Enrollment = z.object({
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
  wait: z.object({ stepId: z.string(), timerId: z.string(), dueAt: z.number(), kind: WaitKind }).optional(),
  holdout: z.boolean(),
  variant: z.string().optional(),
  sends: z.number(),
  /** Step executions so far; makes message and timer ids unique when a loop revisits a step. */
  visits: z.number(),
});
export type Enrollment = z.infer<typeof Enrollment>;

/** Per journey and dedupe value: how many times the customer entered, and when last. */
export const EntryRecord = z.object({ count: z.number(), lastAt: z.number() });

export const CustomerState = z.object({
  userId: z.string(),
  profile: Profile,
  enrollments: z.array(Enrollment),
  entries: z.record(z.string(), EntryRecord),
  /** Per journey: messages sent ever, and send times in the last 24 hours, for the journey's limits. */
  journeySends: z.record(z.string(), z.object({ total: z.number(), recent: z.array(z.number()) })),
  /** Fingerprints of the latest inputs' dedupe keys, so a re-delivered event changes nothing. Bounded. */
  processed: z.array(z.number()),
  /** The one pending timer at the customer's next time-driven lifecycle-stage boundary. */
  lifecycleTimer: z.object({ id: z.string(), dueAt: z.number() }).optional(),
});
export type CustomerState = z.infer<typeof CustomerState>;

export const PROCESSED_MEMORY = 64;

export function newCustomerState(userId: string): CustomerState {
  return { userId, profile: emptyProfile(), enrollments: [], entries: {}, journeySends: {}, processed: [] };
}

/** A wait of an enrollment, or (kind lifecycle, with empty enrollment, journey and step) a stage boundary. */
export const Timer = z.object({
  id: z.string(),
  userId: z.string(),
  enrollmentId: z.string(),
  journeyId: z.string(),
  stepId: z.string(),
  dueAt: z.number(),
  kind: z.enum([...WaitKind.options, 'lifecycle']),
});
export type Timer = z.infer<typeof Timer>;

export const SendIntent = z.object({
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
});
export type SendIntent = z.infer<typeof SendIntent>;
