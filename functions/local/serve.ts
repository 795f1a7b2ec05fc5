import type { LocalClock } from './clock.ts';
import type { LocalStack, SentMessage } from './stack.ts';

const MINUTE = 60_000;
/**
 * The longest a round of queue work runs before the loop looks at the clock again: a new minute's timer sweep
 * never waits longer than this for input that keeps coming.
 */
export const ROUND_MS = 200;

export type Serving = {
  /** Stops the loop, waiting for a round in progress; the stack itself stays up. */
  stop(): Promise<void>;
};

/**
 * Keeps the local stack working on its clock: at each new minute of the stack's clock it fires the due timers,
 * as the per-minute schedule does on AWS, then runs the queues fairly for at most `ROUND_MS` (stack.work);
 * while work remains it goes on at once, otherwise it looks again after `intervalMs` of wall time. So under any
 * input rate sends go out and timers fire while the input goes on. `onSent` hears of every message handed to a
 * channel.
 */
export function serveStack(
  stack: LocalStack,
  clock: LocalClock,
  onSent: (message: SentMessage) => void,
  onError: (error: unknown) => void,
  intervalMs = 250,
): Serving {
  let lastMinute = Math.floor(clock.now() / MINUTE);
  let stopped = false;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let round: Promise<void> = Promise.resolve();
  const unlisten = stack.onSent(onSent);
  const tick = async (): Promise<boolean> => {
    const minute = Math.floor(clock.now() / MINUTE);
    if (minute > lastMinute) {
      lastMinute = minute;
      await stack.fireTimers();
    }
    return stack.work(Date.now() + ROUND_MS);
  };
  const next = (delayMs: number) => {
    if (stopped) return;
    pending = setTimeout(() => {
      round = tick().then(
        (more) => next(more ? 0 : intervalMs),
        (error: unknown) => {
          onError(error);
          next(intervalMs);
        },
      );
    }, delayMs);
  };
  next(intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(pending);
      await round;
      unlisten();
    },
  };
}
