import { ThrottlingException, ValidationException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY,
  type RetryOptions,
  sendWithRetries,
} from '../../../functions/adapters/channels/retry.ts';

/** Instant retries: sleeps are recorded, not slept; `random` is the jitter draw. */
function instant(random: () => number, overrides: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    ...DEFAULT_RETRY,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random,
    ...overrides,
  };
  return { options, sleeps };
}

const throttle = () =>
  new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

describe('backoffDelay', () => {
  it('draws uniformly below a ceiling that doubles per retry, up to the maximum', () => {
    // Prepare
    const { options } = instant(() => 0.999_999, { baseDelayMs: 100, maxDelayMs: 1_000 });

    // Act
    const delays = [0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options));

    // Assess: the largest draw sits just under each ceiling: 100, 200, 400, 800, then the cap.
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
  });
});

describe('sendWithRetries', () => {
  it('retries a throttle and answers from the first call that succeeds', async () => {
    // Prepare
    const { options, sleeps } = instant(() => 0.5);
    let calls = 0;
    const call = async () => {
      calls++;
      if (calls < 3) throw throttle();
      return { MessageId: 'm-1' };
    };

    // Act
    const result = await sendWithRetries(
      call,
      (o) => ({ ok: true, providerMessageId: o.MessageId }),
      options,
    );

    // Assess
    expect(result).toEqual({ ok: true, providerMessageId: 'm-1' });
    expect(calls).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('gives up after the last attempt with a failure that is not permanent, naming the cause', async () => {
    // Prepare
    const { options, sleeps } = instant(() => 0.5, { maxAttempts: 3 });
    let calls = 0;
    const call = async () => {
      calls++;
      throw throttle();
    };

    // Act
    const result = await sendWithRetries(call, () => ({ ok: true, providerMessageId: 'never' }), options);

    // Assess
    expect(result).toEqual({
      ok: false,
      permanent: false,
      reason: 'retries-exhausted after 3 attempts: ThrottlingException: Rate exceeded',
    });
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry a permanent error', async () => {
    // Prepare
    const { options, sleeps } = instant(() => 0.5);
    let calls = 0;
    const call = async () => {
      calls++;
      throw new ValidationException({ message: 'bad', $metadata: { httpStatusCode: 400 } });
    };

    // Act
    const result = await sendWithRetries(call, () => ({ ok: true, providerMessageId: 'never' }), options);

    // Assess
    expect(result).toEqual({ ok: false, permanent: true, reason: 'ValidationException: bad' });
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('throws an error of unknown outcome on, after one call', async () => {
    // Prepare
    const { options } = instant(() => 0.5);
    let calls = 0;
    const timeout = Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' });
    const call = async () => {
      calls++;
      throw timeout;
    };

    // Act
    const sent = sendWithRetries(call, () => ({ ok: true, providerMessageId: 'never' }), options);

    // Assess
    await expect(sent).rejects.toBe(timeout);
    expect(calls).toBe(1);
  });
});
