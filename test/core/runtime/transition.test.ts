import { describe, expect, it } from 'vitest';
import type { EngineInput } from '../../../functions/core/engine/engine.ts';
import {
  type CustomerState,
  newCustomerState,
  stateFromTrustedText,
  type Timer,
} from '../../../functions/core/engine/state.ts';
import { DEFAULT_INPUT_LIMITS } from '../../../functions/core/events/limits.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { engineContext } from '../../../functions/core/runtime/config.ts';
import { type Transition, transition } from '../../../functions/core/runtime/transition.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

/** Freezes a value and everything it holds, as the simulator's state store keeps states. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/**
 * Every generated event of a small shop in time order, with the wait, lifecycle, segment and date timers the
 * transitions schedule fired when due, each input applied to its customer's latest state by `apply`.
 */
function runAll(apply: (state: CustomerState, input: EngineInput, now: number) => Transition): {
  states: Map<string, CustomerState>;
  results: Transition[];
} {
  const states = new Map<string, CustomerState>();
  const results: Transition[] = [];
  let timers: Timer[] = [];
  const step = (userId: string, input: EngineInput, now: number) => {
    const result = apply(states.get(userId) ?? newCustomerState(userId), input, now);
    states.set(userId, result.state);
    results.push(result);
    for (const effect of result.effects)
      if (effect.type === 'timer-scheduled' || effect.type === 'timer-deferred') timers.push(effect.timer);
  };
  for (const event of generateEvents({ users: 150, days: 45, seed: 7, start: '2026-11-01' })) {
    const now = Date.parse(event.time);
    const due = timers
      .filter((t) => t.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
    timers = timers.filter((t) => t.dueAt > now);
    for (const timer of due) step(timer.userId, { kind: 'timer', timer }, timer.dueAt);
    step(event.detail.userId, { kind: 'event', event }, now);
  }
  return { states, results };
}

describe('transition', () => {
  it('changes nothing it was given, and gives the same result as on a copy of the state', async () => {
    // Prepare
    const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const delivery = { policies: config.policies, defaultTimezone: config.defaultTimezone };
    const options = { delivery, limits: DEFAULT_INPUT_LIMITS };
    const frozen = (state: CustomerState, input: EngineInput, now: number) =>
      transition(deepFreeze(state), input, engineContext(config, now), options);
    const copied = (state: CustomerState, input: EngineInput, now: number) =>
      transition(stateFromTrustedText(JSON.stringify(state)), input, engineContext(config, now), options);

    // Act
    const onFrozen = runAll(frozen);
    const onCopies = runAll(copied);

    // Assess
    const kinds = new Set(onFrozen.results.flatMap((r) => r.effects.map((e) => e.type)));
    expect([...kinds]).toEqual(
      expect.arrayContaining(['enrolled', 'send', 'timer-cancelled', 'goal-reached']),
    );
    expect(JSON.stringify(onFrozen.results)).toBe(JSON.stringify(onCopies.results));
    expect(JSON.stringify([...onFrozen.states])).toBe(JSON.stringify([...onCopies.states]));
  }, 120_000);
});
