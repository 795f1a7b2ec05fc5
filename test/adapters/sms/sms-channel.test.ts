import {
  ConflictException,
  InternalServerException,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  type SendTextMessageCommandInput,
  ServiceQuotaExceededException,
  ThrottlingException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EndUserMessagingSmsChannel } from '../../../functions/adapters/sms/sms-channel.ts';
import type { SendIntent } from '../../../functions/core/engine/state.ts';
import type { SmsMessage } from '../../../functions/core/ports/channel.ts';
import { instantRetries, jitterCeilings, sendIntent } from '../channels/support.ts';

const sms = mockClient(PinpointSMSVoiceV2Client);
afterEach(() => sms.reset());

const ORIGINATION = 'arn:aws:sms-voice:eu-west-1:123456789012:pool/pool-cairn';
const BODY = 'Example Roasters: Ethiopia Yirgacheffe is still in your cart. Reply STOP to opt out';

function smsMessage(intent: Partial<SendIntent> = {}, to = '+447700900123'): SmsMessage {
  return {
    channel: 'sms',
    intent: sendIntent(intent),
    to,
    content: {
      channel: 'sms',
      body: BODY,
      encoding: 'GSM-7',
      units: BODY.length,
      segments: 1,
      templateId: 'cart-reminder',
      locale: 'default',
    },
  };
}

function channel(options: { configurationSet?: string; draws?: number[] } = {}) {
  const { retry, sleeps } = instantRetries(options.draws);
  const adapter = new EndUserMessagingSmsChannel({
    client: new PinpointSMSVoiceV2Client({ region: 'eu-west-1' }),
    originationIdentity: ORIGINATION,
    ...(options.configurationSet === undefined ? {} : { configurationSet: options.configurationSet }),
    retry,
  });
  return { adapter, sleeps };
}

const sentInputs = (): SendTextMessageCommandInput[] =>
  sms.commandCalls(SendTextMessageCommand).map((call) => call.args[0].input);
const throttle = () =>
  new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

describe('EndUserMessagingSmsChannel', () => {
  it('sends a marketing SMS as PROMOTIONAL from the configured identity, with the ids in Context', async () => {
    // Prepare
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-1' });
    const { adapter } = channel({ configurationSet: 'cairn-sms' });

    // Act
    const result = await adapter.send(smsMessage());

    // Assess
    const expected: SendTextMessageCommandInput = {
      DestinationPhoneNumber: '+447700900123',
      OriginationIdentity: ORIGINATION,
      MessageBody: BODY,
      MessageType: 'PROMOTIONAL',
      ConfigurationSetName: 'cairn-sms',
      Context: {
        'cairn-user': 'usr_1002',
        'cairn-journey': 'cart-abandonment',
        'cairn-step': 'remind',
        'cairn-message': 'cart-abandonment:usr_1002:9c1e:remind:1',
      },
    };
    expect(sentInputs()).toEqual([expected]);
    expect(result).toEqual({ ok: true, providerMessageId: 'sms-1' });
  });

  it('sends a transactional SMS as TRANSACTIONAL, and no configuration set when none is configured', async () => {
    // Prepare
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-2' });
    const { adapter } = channel();

    // Act
    await adapter.send(smsMessage({ category: 'transactional' }));

    // Assess
    const [input] = sentInputs();
    expect(input?.MessageType).toBe('TRANSACTIONAL');
    expect(input).not.toHaveProperty('ConfigurationSetName');
  });

  it('retries a throttle with jittered waits, and the message is sent once', async () => {
    // Prepare
    sms
      .on(SendTextMessageCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ MessageId: 'sms-3' });
    const { adapter, sleeps } = channel({ draws: [0.25, 0.75] });

    // Act
    const result = await adapter.send(smsMessage());

    // Assess
    expect(result).toEqual({ ok: true, providerMessageId: 'sms-3' });
    expect(sentInputs()).toHaveLength(3);
    const succeeded = await Promise.allSettled(
      sms.commandCalls(SendTextMessageCommand).map((c) => c.returnValue),
    );
    expect(succeeded.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const ceilings = jitterCeilings(2);
    expect(sleeps).toEqual([0.25 * (ceilings[0] ?? 0), 0.75 * (ceilings[1] ?? 0)]);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(ceilings[i] ?? 0);
    });
  });

  it('ends the send for good on an opted-out number, without retrying', async () => {
    // Prepare
    sms.on(SendTextMessageCommand).rejects(
      new ConflictException({
        message: 'The destination phone number is opted out.',
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        $metadata: { httpStatusCode: 409 },
      }),
    );
    const { adapter, sleeps } = channel();

    // Act
    const result = await adapter.send(smsMessage());

    // Assess
    expect(result).toEqual({
      ok: false,
      permanent: true,
      reason:
        'ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT: The destination phone number is opted out.',
    });
    expect(sentInputs()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the retries on a service that stays down, with a failure that is not permanent', async () => {
    // Prepare
    sms
      .on(SendTextMessageCommand)
      .rejects(
        new InternalServerException({ message: 'internal error', $metadata: { httpStatusCode: 500 } }),
      );
    const { adapter, sleeps } = channel();

    // Act
    const result = await adapter.send(smsMessage());

    // Assess
    expect(result).toEqual({
      ok: false,
      permanent: false,
      reason: 'retries-exhausted after 4 attempts: InternalServerException: internal error',
    });
    expect(sentInputs()).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('holds the message, without retrying, when the monthly spend limit is reached', async () => {
    // Prepare
    sms.on(SendTextMessageCommand).rejects(
      new ServiceQuotaExceededException({
        message: 'spend limit reached',
        Reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
        $metadata: { httpStatusCode: 402 },
      }),
    );
    const { adapter } = channel();

    // Act
    const result = await adapter.send(smsMessage());

    // Assess
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(sentInputs()).toHaveLength(1);
  });

  it('refuses a number that is not E.164 without calling the service', async () => {
    // Prepare
    const { adapter } = channel();

    // Act
    const result = await adapter.send(smsMessage({}, '07700 900123'));

    // Assess
    expect(result).toMatchObject({ ok: false, permanent: true, reason: expect.stringContaining('E.164') });
    expect(sentInputs()).toEqual([]);
  });
});
