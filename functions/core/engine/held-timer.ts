/** How long a due timer of a paused journey waits before it is looked at again. */
export const PAUSED_RETRY_MS = 15 * 60_000;

/**
 * The id of a paused journey's timer held again at `now`: the original id and the latest hold only. Ids must
 * stay bounded: a timer held every 15 minutes through a long pause would otherwise grow past DynamoDB's
 * 1,024-byte sort-key limit (the local stack refused it after 64 holds, the simulator's heap did not).
 */
export function heldTimerId(timerId: string, now: number): string {
  const tilde = timerId.indexOf('~');
  return `${tilde < 0 ? timerId : timerId.slice(0, tilde)}~${now}`;
}
