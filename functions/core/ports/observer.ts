import type { AudienceRunRecord } from '../audience-runs/record.ts';
import type { CallIntent } from '../calls/intent.ts';
import type { Effect } from '../engine/effects.ts';
import type { EngineInput } from '../engine/engine.ts';
import type { SendIntent } from '../engine/state.ts';
import type { DeliveryOutcome } from '../policies/outcome.ts';

/**
 * What the use cases decided, as they decide it: the effects of each input applied to a customer (the
 * stored attempt's only) and the outcome of each send deliver handled. The
 * simulator, journey tests, `cairn explain` and the local stack build their results from these, so all of
 * them report what the same code did.
 */
export type Observation =
  | {
      type: 'applied';
      at: number;
      userId: string;
      origin: string;
      /** What was applied: provider feedback is an event, whose name and ids the outcome log reads. */
      input: EngineInput;
      effects: readonly Effect[];
    }
  | { type: 'delivered'; at: number; intent: SendIntent; outcome: DeliveryOutcome }
  /** One attempt of a call made (runtime/call.ts); `reason` when it failed. */
  | { type: 'called'; at: number; intent: CallIntent; attempt: number; reason?: string }
  /** A run of a scheduled journey completed: its audience, entries and skips (runtime/audience-runs.ts). */
  | { type: 'audience-run'; at: number; record: AudienceRunRecord };

export interface Observer {
  /** Must not throw: an observer records, it never changes what the use case does. */
  observe(observation: Observation): void;
}
