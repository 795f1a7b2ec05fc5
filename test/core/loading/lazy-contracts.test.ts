import { describe, expect, it } from 'vitest';
import { builtAtImport, schemasBuiltAfter } from './support.ts';

/**
 * Schemas the engine functions' code imports but their import builds none of (`z.lazy`, built on the first
 * parse): the event contract (a plain event is checked without it), the outcome record, the call intent, the
 * queued send and call, the profile and purchase parts of the state, the SES feedback record, Lambda's envelopes
 * and the environment.
 * Building them at import cost a cold start about 30 M instructions (docs/benchmarks.md, "Function bundles").
 */
const WATCHED = [
  ['functions/core/events/customer-event.ts', 'CustomerEvent'],
  ['functions/core/outcomes/record.ts', 'OutcomeRecord'],
  ['functions/core/calls/intent.ts', 'CallIntent'],
  ['functions/core/calls/intent.ts', 'CallTarget'],
  ['functions/core/profile/profile.ts', 'Profile'],
  ['functions/core/profile/consent.ts', 'ConsentRecord'],
  ['functions/core/lifecycle/purchases.ts', 'PurchaseSummary'],
  ['functions/core/feedback/ses.ts', 'SesRecord'],
  ['functions/core/ports/send-queue.ts', 'QueuedSend'],
  ['functions/core/ports/call-queue.ts', 'QueuedCall'],
  ['functions/core/policies/decided.ts', 'DecidedSend'],
  ['functions/core/journeys/status-overrides.ts', 'StatusOverride'],
  ['functions/core/unsubscribe/token.ts', 'UnsubscribeClaims'],
  ['functions/adapters/dynamodb/seen-item.ts', 'SeenItem'],
  ['functions/core/feedback/push.ts', 'SendMessagesResponse'],
  ['functions/handlers/shared/envelopes.ts', 'IngestEnvelope'],
  ['functions/handlers/shared/envelopes.ts', 'SqsBatch'],
  ['functions/handlers/shared/envelopes.ts', 'ScheduledEvent'],
  ['functions/handlers/shared/environment.ts', 'RuntimeEnvironment'],
  ['functions/handlers/shared/environment.ts', 'ChannelEnvironment'],
] as const;

describe('the contracts an engine function reads, built on first use', () => {
  it.each(['ingest', 'timers', 'deliver', 'calls'])(
    '%s builds none of them at its import and its wiring import',
    (fn) => {
      // Prepare: the handler module and its wiring, as a cold start loads them

      // Act
      const built = builtAtImport(fn, WATCHED);

      // Assess
      expect(built).toEqual([]);
    },
  );

  it('builds them on their first parse (the probe is live)', () => {
    // Prepare: an event that is not plain goes to zod, and so does an envelope
    const script = `await import('./functions/handlers/ingest/index.ts');
(await import('./functions/core/events/customer-event.ts')).parseCustomerEvent({ id: 'e-1' });
(await import('./functions/handlers/shared/envelopes.ts')).IngestEnvelope.safeParse({});`;

    // Act
    const built = schemasBuiltAfter(script, WATCHED);

    // Assess
    expect(built).toMatchObject({
      CustomerEvent: true,
      IngestEnvelope: true,
      SqsBatch: true,
      Profile: false,
    });
  });
});
