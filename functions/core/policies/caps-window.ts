import type { CountedSend } from '../engine/state.ts';

/** One counted send of a customer; its schema is in the customer state, which keeps the runtime's counts. */
export type { CountedSend };

/** One cap rule as it is counted: per customer and rule id, at most `max` within `windowMs`. */
export type CapCheck = { ruleId: string; max: number; windowMs: number };

export type CountResult =
  | { ok: true }
  /** Every rule that blocked, and when its window frees enough for one more message. */
  | { ok: false; blocking: { ruleId: string; freesAt: number }[] };

export type CountDecision =
  /**
   * `sends` is the customer's new list; `changed` is false when the message was already counted under every
   * rule, and then nothing needs writing (stale sends are pruned by the next write that counts).
   */
  { ok: true; sends: CountedSend[]; changed: boolean } | Extract<CountResult, { ok: false }>;

/**
 * The frequency-cap check-and-count, pure, shared by every PolicyStore so that they cannot disagree: given
 * the customer's counted sends, count `messageId` at `at` under every rule when each has room in its rolling
 * window `(at - windowMs, at]`, or report every rule that blocks and when it frees. A rule under which the
 * message is already counted neither blocks it nor counts it again. Sends that no longer matter are pruned.
 */
export function countSend(
  sends: readonly CountedSend[],
  messageId: string,
  at: number,
  rules: readonly CapCheck[],
): CountDecision {
  const live = sends.filter((s) => s.x > at);
  const blocking: { ruleId: string; freesAt: number }[] = [];
  const toCount: CapCheck[] = [];
  for (const rule of rules) {
    const inWindow = live.filter((s) => s.r.includes(rule.ruleId) && s.t > at - rule.windowMs);
    if (inWindow.some((s) => s.m === messageId)) continue;
    toCount.push(rule);
    if (inWindow.length >= rule.max) {
      const times = inWindow.map((s) => s.t).sort((a, b) => a - b);
      const oldestThatMustGo = times[inWindow.length - rule.max] ?? at;
      blocking.push({ ruleId: rule.ruleId, freesAt: oldestThatMustGo + rule.windowMs });
    }
  }
  if (blocking.length > 0) return { ok: false, blocking };
  if (toCount.length === 0) return { ok: true, sends: live, changed: false };
  const existing = live.find((s) => s.m === messageId && s.t === at);
  const added = toCount.map((r) => r.ruleId);
  // No named closure: tsx and the bundles wrap each one made in a `__name` call, and every capped send made one.
  const longest = Math.max(...toCount.map((r) => at + r.windowMs));
  const next = existing
    ? live.map((s) => (s === existing ? { ...s, r: [...s.r, ...added], x: Math.max(s.x, longest) } : s))
    : [...live, { m: messageId, t: at, r: added, x: longest }];
  return { ok: true, sends: next, changed: true };
}
