import { DEFAULT_RETRY, type RetryOptions } from '../../../functions/adapters/channels/retry.ts';
import type { SendIntent } from '../../../functions/core/engine/state.ts';

/**
 * Retries that do not wait: each sleep is recorded instead of slept, and the jitter draws come from `draws`
 * in turn (then 0.5), so a test knows the exact waits.
 */
export function instantRetries(draws: readonly number[] = []): { retry: RetryOptions; sleeps: number[] } {
  const sleeps: number[] = [];
  let next = 0;
  return {
    sleeps,
    retry: {
      ...DEFAULT_RETRY,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => draws[next++] ?? 0.5,
    },
  };
}

/** The ceilings full jitter draws below, per retry, with the default options: 200, 400, 800 ms. */
export function jitterCeilings(retries: number): number[] {
  return Array.from({ length: retries }, (_, i) =>
    Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** i),
  );
}

export function sendIntent(overrides: Partial<SendIntent> = {}): SendIntent {
  return {
    messageId: 'cart-abandonment:usr_1002:9c1e:remind:1',
    userId: 'usr_1002',
    journeyId: 'cart-abandonment',
    journeyVersion: 'v1',
    enrollmentId: 'cart-abandonment:usr_1002:9c1e',
    stepId: 'remind',
    channels: ['push', 'sms', 'email'],
    template: 'cart-reminder',
    priority: 'normal',
    category: 'marketing',
    tags: ['discount'],
    at: 0,
    ...overrides,
  };
}
