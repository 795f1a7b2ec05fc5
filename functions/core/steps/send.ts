import * as z from 'zod';
import type { WithheldReason } from '../engine/effects.ts';
import { messageIdOf, recordSend } from '../engine/engagement.ts';
import { describeNext } from '../journeys/describe-parts.ts';
import { Channel, NextStep, OnCap, Priority, StepId } from '../journeys/schema-parts.ts';
import { edgesAt, nothingToCompile, type StepContext, type StepKind, type StepOutcome } from './kind.ts';

export const SendStep = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('send'),
      channel: z
        .union([Channel, z.array(Channel).min(1)])
        .describe('One channel, or channels in order of preference: the first reachable one is used.'),
      template: z
        .string({
          error: (issue) => (issue.input === undefined ? 'a send step needs a template' : undefined),
        })
        .min(1, 'a send step needs a template')
        .describe('The template to render.'),
      priority: Priority.default('normal'),
      tags: z.array(z.string().min(1)).optional().describe('Tags that frequency-cap rules can select.'),
      onCap: OnCap.optional().describe("Overrides the journey's onCap for this step."),
      next: NextStep.optional(),
    })
    .describe('Send a message.'),
);
export type SendStep = z.infer<typeof SendStep>;

const DAY_MS = 86_400_000;

/** The step's channels in order of preference. */
function channelsOf(step: SendStep): Channel[] {
  return Array.isArray(step.channel) ? step.channel : [step.channel];
}

/**
 * Hands a message to delivery as a send intent, unless the enrollment is held out or the journey's own limits
 * forbid it. Delivery (consent, caps, quiet hours) happens later, outside the engine.
 */
function execute(step: SendStep, _compiled: undefined, context: StepContext): StepOutcome {
  const { now, state, journey, enrollment } = context;
  const withheld = (reason: WithheldReason) =>
    context.emit({
      ...context.ofEnrollment(),
      type: 'send-withheld',
      stepId: step.id,
      reason,
      template: step.template,
    });
  if (enrollment.holdout) {
    withheld('holdout');
    return { next: step.next };
  }
  const limits = journey.journey.limits;
  const sends = state.journeySends[journey.id] ?? { total: 0, recent: [] };
  if (limits?.total !== undefined && sends.total >= limits.total) {
    withheld('journey-total-limit');
    // The journey may send this customer nothing more, so the enrollment has nothing left to do.
    context.end('journey-limit');
    return 'stop';
  }
  const recent = sends.recent.filter((t) => t > now - DAY_MS);
  if (limits?.perDay !== undefined && recent.length >= limits.perDay) {
    withheld('journey-daily-limit');
    return { next: step.next };
  }
  // Replaced, not changed in place: the journeySends the input started from are the caller's (engine/draft.ts).
  state.journeySends = {
    ...state.journeySends,
    [journey.id]: { total: sends.total + 1, recent: [...recent, now] },
  };
  enrollment.sends++;
  // Engagement conditions and waits on this step look at this message from now on (engine/engagement.ts).
  recordSend(enrollment, step.id);
  context.emit({
    at: now,
    userId: state.userId,
    type: 'send',
    intent: {
      messageId: messageIdOf(enrollment, step.id, enrollment.visits),
      userId: state.userId,
      journeyId: journey.id,
      journeyVersion: journey.version,
      enrollmentId: enrollment.id,
      stepId: step.id,
      channels: channelsOf(step),
      template: step.template,
      priority: step.priority,
      category: journey.journey.category,
      tags: step.tags ?? [],
      onCap: step.onCap ?? journey.journey.onCap,
      ...(enrollment.variant !== undefined ? { variant: enrollment.variant } : {}),
      at: now,
      // The message is rendered later, by deliver, when the enrollment may have ended: it carries its trigger.
      trigger: enrollment.trigger,
      ...(enrollment.saved === undefined ? {} : { saved: enrollment.saved }),
    },
  });
  return { next: step.next };
}

export const send: StepKind<typeof SendStep, undefined> = {
  type: 'send',
  schema: SendStep,
  waits: false,
  edges: (raw) => edgesAt(raw, [['next']]),
  compile: nothingToCompile,
  execute,
  describe: (step) =>
    `send ${channelsOf(step).join(' > ')} "${step.template}" (${step.priority} priority)${describeNext(step.next)}`,
  draw: (step) => ({
    label: `send ${channelsOf(step).join(' or ')}: ${step.template}`,
    ways: [{ to: step.next, kind: 'next' }],
  }),
};
