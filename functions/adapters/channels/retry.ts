import type { ChannelResult } from '../../core/ports/channel.ts';
import { classifyProviderError } from './provider-errors.ts';

export type RetryOptions = {
  /** Calls to the provider for one message, the first included. */
  maxAttempts: number;
  /** The backoff ceiling before the first retry; it doubles on each retry, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1); the jitter. */
  random: () => number;
};

/**
 * Four calls, waiting at most 0.2 s, 0.4 s and 0.8 s between them (1.4 s in all): long enough to ride out a
 * per-second throttle (SES sending rate, SMS parts per second), short enough to leave the deliver function's
 * timeout to the rest of its batch. A longer outage is the dead-letter queue's to wait out, not a Lambda's.
 */
export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 3_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** What one call to the provider came to: an answer for the message, or a reason to call again. */
export type Attempt = { kind: 'done'; result: ChannelResult } | { kind: 'retry'; reason: string };

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform wait between 0 and the
 * exponential ceiling, so that senders throttled together do not all come back together.
 */
export function backoffDelay(retry: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(options.random() * ceiling);
}

/**
 * Calls `attempt` until it is done or the attempts run out, sleeping a jittered backoff in between. When they
 * run out, `exhausted` gives the answer (by default a failure that is not permanent, which the deliver use
 * case dead-letters with its reason). An attempt that throws ends the loop: its outcome is unknown.
 */
export async function retrying(
  attempt: (attemptNumber: number) => Promise<Attempt>,
  options: RetryOptions,
  exhausted: (reason: string, attempts: number) => ChannelResult = retriesExhausted,
): Promise<ChannelResult> {
  let last = '';
  for (let n = 1; n <= options.maxAttempts; n++) {
    if (n > 1) await options.sleep(backoffDelay(n - 2, options));
    const outcome = await attempt(n);
    if (outcome.kind === 'done') return outcome.result;
    last = outcome.reason;
  }
  return exhausted(last, options.maxAttempts);
}

export function retriesExhausted(reason: string, attempts: number): ChannelResult {
  return { ok: false, permanent: false, reason: `retries-exhausted after ${attempts} attempts: ${reason}` };
}

/**
 * One provider call as an attempt: its output is mapped by `answer`; an error is classified
 * (provider-errors.ts): transient errors are retried, held and permanent ones end the send, and an error of
 * unknown outcome is thrown on unchanged.
 */
export async function callProvider<T>(
  call: () => Promise<T>,
  answer: (output: T) => Attempt,
): Promise<Attempt> {
  let output: T;
  try {
    output = await call();
  } catch (error) {
    const failure = classifyProviderError(error);
    switch (failure.kind) {
      case 'transient':
        return { kind: 'retry', reason: failure.reason };
      case 'held':
        return { kind: 'done', result: { ok: false, permanent: false, reason: failure.reason } };
      case 'permanent':
        return { kind: 'done', result: { ok: false, permanent: true, reason: failure.reason } };
      case 'unknown':
        throw error;
      default:
        return unreachable(failure);
    }
  }
  return answer(output);
}

/** One provider call with the retries: what the email and SMS adapters do per message. */
export function sendWithRetries<T>(
  call: () => Promise<T>,
  answer: (output: T) => ChannelResult,
  options: RetryOptions,
): Promise<ChannelResult> {
  return retrying(() => callProvider(call, (output) => ({ kind: 'done', result: answer(output) })), options);
}

function unreachable(value: never): never {
  throw new Error(`unexpected provider error class ${JSON.stringify(value)}`);
}
