import type { LocalClock } from './clock.ts';
import type { LocalStack, SentMessage } from './stack.ts';

const MINUTE = 60_000;

export type Serving = {
  /** Stops the loop, waiting for a round in progress; the stack itself stays up. */
  stop(): Promise<void>;
};

/**
 * Keeps the local stack working on its clock: every `intervalMs` of wall time it runs the queues, and at
 * each new minute of the stack's clock it runs the timer sweep first, as the per-minute schedule does on AWS.
 * `onSent` hears of every message handed to a channel.
 */
export function serveStack(
  stack: LocalStack,
  clock: LocalClock,
  onSent: (message: SentMessage) => void,
  onError: (error: unknown) => void,
  intervalMs = 250,
): Serving {
  let shown = stack.sent.length;
  let lastMinute = Math.floor(clock.now() / MINUTE);
  let round: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = async () => {
    const minute = Math.floor(clock.now() / MINUTE);
    if (minute > lastMinute) {
      lastMinute = minute;
      await stack.sweepTimers();
    } else await stack.drain();
    for (const message of stack.sent.slice(shown)) onSent(message);
    shown = stack.sent.length;
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    round = tick()
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
