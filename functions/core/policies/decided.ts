import * as z from 'zod';
import { Channel } from '../journeys/schema.ts';
import { Profile } from '../profile/profile.ts';
import { DecidedOutcome, OutcomeNote } from './outcome.ts';

/**
 * What the delivery policies decided for a send, in the state the decision was made in (by ingest, in the
 * same read-process-write as the engine; docs/data-model.md, "Request budget"), carried on the send queue so
 * that deliver does not read the customer again:
 *
 * - `send`: channel, local time and caps passed and the send is counted; deliver claims it, composes it from
 *   the profile the policies saw, and hands it to the channel;
 * - `outcome`: held, skipped or dropped; deliver reports it and acts on it (a held send is tried again later,
 *   when the policies run once more).
 */
export const DecidedSend = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('send'),
      channel: Channel,
      passedOver: z.array(z.string()).optional(),
      notes: z.array(OutcomeNote).optional(),
      /** The profile the policies checked, which the message is composed from (the intent has the trigger). */
      profile: Profile,
    }),
    z.object({ kind: z.literal('outcome'), outcome: DecidedOutcome }),
  ]),
);
export type DecidedSend = z.infer<typeof DecidedSend>;
