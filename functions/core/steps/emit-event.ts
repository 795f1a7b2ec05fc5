import * as z from 'zod';
import { describeNext } from '../journeys/describe-parts.ts';
import { JsonValue, NextStep, StepId } from '../journeys/schema-parts.ts';
import { edgesAt, nothingToCompile, type StepContext, type StepKind, type StepOutcome } from './kind.ts';

export const EmitEventStep = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('emit-event'),
      detailType: z.string().min(1).describe('The name of the emitted event.'),
      properties: z.record(z.string(), JsonValue).optional(),
      next: NextStep.optional(),
    })
    .describe('Emit a customer event (source "cairn.journeys").'),
);
export type EmitEventStep = z.infer<typeof EmitEventStep>;

/**
 * Records the event as an effect: the runtime publishes it (runtime/ingest.ts) and the simulator feeds it back,
 * so that journeys can trigger on it, wait for it or exit on it.
 */
function execute(step: EmitEventStep, _compiled: undefined, context: StepContext): StepOutcome {
  context.emit({
    ...context.ofEnrollment(),
    type: 'event-emitted',
    detailType: step.detailType,
    properties: step.properties ?? {},
  });
  return { next: step.next };
}

export const emitEvent: StepKind<typeof EmitEventStep, undefined> = {
  type: 'emit-event',
  schema: EmitEventStep,
  waits: false,
  edges: (raw) => edgesAt(raw, [['next']]),
  compile: nothingToCompile,
  execute,
  describe: (step) => `emit "${step.detailType}"${describeNext(step.next)}`,
  draw: (step) => ({ label: `emit ${step.detailType}`, ways: [{ to: step.next, kind: 'next' }] }),
};
