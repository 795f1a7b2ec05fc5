import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsSendQueue } from '../../../functions/adapters/sqs/send-queue.ts';
import type { Enqueued } from '../../../functions/core/ports/send-queue.ts';

const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/cairn-sends';
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

function message(i: number, delaySeconds = 0): Enqueued {
  return {
    delaySeconds,
    send: {
      intent: {
        messageId: `m-${i}`,
        userId: 'u1',
        journeyId: 'j',
        journeyVersion: 'v1',
        enrollmentId: 'e',
        stepId: 's',
        channels: ['email'],
        template: 't',
        priority: 'normal',
        category: 'marketing',
        tags: [],
        at: 0,
      },
    },
  };
}

describe('SqsSendQueue', () => {
  it('sends 10 messages per batch with their delays and bodies', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsSendQueue({ client: new SQSClient({ region: 'eu-west-1' }), queueUrl: URL });

    // Act
    await queue.enqueue(Array.from({ length: 12 }, (_, i) => message(i, i === 11 ? 900 : 0)));

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 2]);
    expect(calls[1]?.Entries?.[1]).toMatchObject({
      DelaySeconds: 900,
      MessageBody: JSON.stringify(message(11).send),
    });
  });

  it('fails the whole call when SQS refused an entry', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    });
    const queue = new SqsSendQueue({ client: new SQSClient({ region: 'eu-west-1' }), queueUrl: URL });

    // Act
    const enqueued = queue.enqueue([message(0)]);

    // Assess
    await expect(enqueued).rejects.toThrow('InternalError');
  });
});
