import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PinpointPushChannel } from '../../../functions/adapters/push/push-channel.ts';
import { channelRouter } from '../../../functions/core/ports/channel.ts';
import { type DeliverPorts, deliverSend } from '../../../functions/core/runtime/deliver.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { applyInput, ingest } from '../../../functions/core/runtime/ingest.ts';
import { fireDueTimers } from '../../../functions/core/runtime/timers.ts';
import { customerEvent, memoryPorts, sampleComposer, sampleConfig, T0 } from '../../handlers/support.ts';
import { instantRetries } from '../channels/support.ts';

const pinpoint = mockClient(PinpointClient);
afterEach(() => pinpoint.reset());

const DAY = 86_400_000;
const OLD_TOKEN = 'fcm-token-before';
const NEW_TOKEN = 'fcm-token-after';
const IPHONE = 'apns-token-gone';

/**
 * Bea signs up on two devices with push consent; a day later the welcome series' nudge-push step is due, and
 * its send intent is what deliver gets from the send queue.
 */
async function nudgePush() {
  let now = T0;
  const apply = await memoryPorts({ now: () => now });
  const signUp = (id: string, token: string, platform: string) =>
    customerEvent('usr_bea', id, id === 'bea-signed-up' ? 'Signed Up' : 'Application Opened', {
      traits: {
        email: 'bea@example.com',
        firstName: 'Bea',
        timezone: 'Europe/London',
        consent: { push: true },
      },
      context: { device: { token, platform } },
    });
  await ingest(JSON.stringify(signUp('bea-signed-up', OLD_TOKEN, 'FCM')), apply, 'msg-1');
  await ingest(JSON.stringify(signUp('bea-opened-ios', IPHONE, 'APNS')), apply, 'msg-2');
  now = T0 + DAY + 60_000;
  await fireDueTimers({
    timers: apply.timers,
    now,
    limit: 10,
    fire: async (timer) => {
      await applyInput(timer.userId, { kind: 'timer', timer }, apply, 'timers');
    },
  });
  const queued = apply.sends.messages.find((m) => m.send.intent.stepId === 'nudge-push')?.send;
  if (!queued) throw new Error('the welcome series intended no nudge push');
  return { apply, queued, now };
}

describe('a push token change, from the provider back to the profile', () => {
  it('publishes the UpdatedToken and the refused token as events that ingest applies to the devices', async () => {
    // Prepare
    const { apply, queued, now } = await nudgePush();
    pinpoint.on(SendMessagesCommand).resolves({
      MessageResponse: {
        ApplicationId: 'app-1',
        Result: {
          [OLD_TOKEN]: {
            DeliveryStatus: 'SUCCESSFUL',
            StatusCode: 200,
            MessageId: 'push-1',
            UpdatedToken: NEW_TOKEN,
          },
          [IPHONE]: { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 410, StatusMessage: 'Unregistered' },
        },
      },
    });
    const config = await sampleConfig();
    const ports: DeliverPorts = {
      apply,
      policies: config.policies,
      policyStore: new InMemoryPolicyStore(),
      defaultTimezone: 'UTC',
      composer: await sampleComposer(() => now),
      channel: channelRouter({
        push: new PinpointPushChannel({
          client: new PinpointClient({ region: 'eu-west-1' }),
          applicationId: 'app-1',
          retry: instantRetries().retry,
        }),
      }),
      now: () => now,
    };
    const before = apply.events.events.length;

    // Act
    const delivered = await deliverSend(queued, ports, 'msg-3');
    const changes = apply.events.events.slice(before);
    for (const event of changes) await ingest(JSON.stringify(event), apply, `change-${event.id}`);

    // Assess
    expect(delivered.outcome).toMatchObject({ status: 'SENT', channel: 'push', providerMessageId: 'push-1' });
    const addresses = pinpoint.commandCalls(SendMessagesCommand)[0]?.args[0].input.MessageRequest?.Addresses;
    expect(Object.keys(addresses ?? {}).sort()).toEqual([IPHONE, OLD_TOKEN].sort());
    const published = changes
      .filter((e) => e['detail-type'] === 'Push Token Changed')
      .map((e) => [e.source, e['detail-type'], e.detail.properties]);
    expect(published).toHaveLength(2);
    // In the same request: what each device did with the message, as events journeys can wait for.
    const delivery = changes
      .filter((e) => e.source === 'cairn.feedback')
      .map((e) => `${e['detail-type']} ${e.detail.properties.deliveryStatus}`);
    expect(delivery.sort()).toEqual(['Push Delivered SUCCESSFUL', 'Push Failed PERMANENT_FAILURE']);
    expect(changes).toHaveLength(4);
    expect(published).toEqual(
      expect.arrayContaining([
        ['cairn.channels', 'Push Token Changed', { token: OLD_TOKEN, updatedToken: NEW_TOKEN }],
        [
          'cairn.channels',
          'Push Token Changed',
          { token: IPHONE, deactivated: 'PERMANENT_FAILURE: Unregistered' },
        ],
      ]),
    );
    const devices = (await apply.states.load('usr_bea'))?.state.profile.devices ?? [];
    expect(devices.map((d) => [d.token, d.platform, d.active]).sort()).toEqual(
      [
        [NEW_TOKEN, 'FCM', true],
        [IPHONE, 'APNS', false],
      ].sort(),
    );
  });
});
