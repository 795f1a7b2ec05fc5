import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../../../functions/core/events/limits.ts';
import { RuntimeEnvironment } from '../../../functions/handlers/shared/environment.ts';
import { inputLimits } from '../../../functions/handlers/shared/wiring.ts';

const BASE = {
  CAIRN_TABLE_NAME: 'cairn-dev',
  CAIRN_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/ingest',
  CAIRN_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/send',
  CAIRN_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dead',
};

describe('the input limits a function reads from its environment', () => {
  it('takes the event-time window the CDK app sets, in days', () => {
    // Prepare
    const env = RuntimeEnvironment.parse({
      ...BASE,
      CAIRN_EVENT_PAST_DAYS: '30',
      CAIRN_EVENT_FUTURE_DAYS: '2',
    });

    // Act
    const limits = inputLimits(env);

    // Assess
    expect(limits).toEqual({ ...DEFAULT_INPUT_LIMITS, pastMs: 30 * 86_400_000, futureMs: 2 * 86_400_000 });
  });

  it('keeps the defaults when nothing is set, and refuses a window that is not a whole number of days', () => {
    // Act
    const limits = inputLimits(RuntimeEnvironment.parse(BASE));
    const bad = RuntimeEnvironment.safeParse({ ...BASE, CAIRN_EVENT_PAST_DAYS: 'a week' });

    // Assess
    expect(limits).toEqual(DEFAULT_INPUT_LIMITS);
    expect(bad.success).toBe(false);
  });
});
