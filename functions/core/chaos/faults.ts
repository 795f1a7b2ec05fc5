import { keyedRandom, type Random } from '../generate/random.ts';

/**
 * The faults the chaos harness injects (docs/runtime.md, "Chaos harness"):
 *
 * - duplicate-event: an event delivered a second time, with its id, at a random delay (seconds to days).
 * - reordered-event: an event held back, arriving after events that happened after it (within minutes).
 * - duplicate-send: a send-queue message delivered a second time, up to 15 minutes later (SQS at least once).
 * - state-conflict: the customer state's conditional write fails, as when another writer got there first.
 * - crash-after-state-write: the state write landed, then the call failed (the answer was lost).
 * - crash-after-claim: the send ledger's claim landed, then the process died before the provider call.
 * - provider-throttled: the provider stayed throttled through the adapter's retries (the send is refused for now).
 * - provider-timeout: the provider took the message, and its answer never came (the outcome is unknown).
 * - restart: the local stack is stopped and started again on its `--data` folder between two inputs.
 */
export const FAULT_KINDS = [
  'duplicate-event',
  'reordered-event',
  'duplicate-send',
  'state-conflict',
  'crash-after-state-write',
  'crash-after-claim',
  'provider-throttled',
  'provider-timeout',
  'restart',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The chance of each fault at each place it can happen (an input, a write, a claim, a provider call). */
export type FaultRates = Readonly<Record<FaultKind, number>>;

export const DEFAULT_FAULT_RATES: FaultRates = {
  'duplicate-event': 0.02,
  'reordered-event': 0.02,
  'duplicate-send': 0.02,
  'state-conflict': 0.02,
  'crash-after-state-write': 0.005,
  'crash-after-claim': 0.002,
  'provider-throttled': 0.01,
  'provider-timeout': 0.005,
  // Per input; only the local stack restarts (a restart costs about a second there).
  restart: 0,
};

/** What an injected crash or timeout throws: the use case sees a failed call, as it would on AWS. */
export class InjectedFault extends Error {
  constructor(readonly kind: FaultKind) {
    super(`injected fault: ${kind}`);
    this.name = 'InjectedFault';
  }
}

/** A stream key of its own, so that the faults do not take numbers from the generated population's streams. */
const CHAOS_STREAM = 0x6368_616f;
/**
 * The arrivals' own stream (arrivals.ts): drawn the same way for the run without faults, which takes the same
 * arrival times without the redelivered copies, whatever the ports' faults draw in the other run.
 */
export const ARRIVALS_STREAM = 0x6172_7276;

/**
 * Where every fault is drawn: one seeded stream (no Math.random), so a seed gives the same faults at the same
 * places on every run, and a count of each fault injected.
 */
export class FaultPlan {
  readonly counts: Record<FaultKind, number> = { ...DEFAULT_FAULT_RATES };
  private readonly random: Random;

  constructor(
    seed: number,
    readonly rates: FaultRates = DEFAULT_FAULT_RATES,
    stream: number = CHAOS_STREAM,
  ) {
    for (const kind of FAULT_KINDS) this.counts[kind] = 0;
    this.random = keyedRandom(seed, stream);
  }

  /** Whether `kind` strikes here; counted when it does. */
  strikes(kind: FaultKind): boolean {
    if (this.rates[kind] <= 0 || !this.random.chance(this.rates[kind])) return false;
    this.counts[kind]++;
    return true;
  }

  /** A whole number from `min` to `max`, both included (a delay). */
  between(min: number, max: number): number {
    return this.random.int(min, max);
  }
}
