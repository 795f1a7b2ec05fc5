import { SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { DeadLetter } from '../ports/dead-letters.ts';
import type { PortWrappers } from '../ports/port-wrappers.ts';
import { type Arrival, arrivalsWithFaults, arrivalsWithoutCopies, DUPLICATE_DELAY_MS } from './arrivals.ts';
import {
  ARRIVALS_STREAM,
  DEFAULT_FAULT_RATES,
  FAULT_KINDS,
  type FaultKind,
  FaultPlan,
  type FaultRates,
} from './faults.ts';
import { faultyPorts } from './faulty-ports.ts';
import { compareSends, ProviderWatch, type SendComparison } from './provider-watch.ts';

/** A machine the harness drives (the simulator, the local stack), built over the adapters' decorators. */
export interface ChaosMachine {
  /** Puts one event on the ingest queue at `at`, after running everything due before it, then drains. */
  put(event: CustomerEvent, at: number): Promise<void>;
  /** Runs everything due up to `at`. */
  runTo(at: number): Promise<void>;
  /** The dead letters so far, oldest first, across restarts. */
  deadLetters(): readonly DeadLetter[];
  /** Puts a dead-lettered send's intent back on the send queue, as a DLQ redrive does. */
  redriveSend(intent: SendIntent): Promise<void>;
  /** Stops the machine and starts it again on its stored state (the local stack with `--data`). */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

export type ChaosOptions = {
  /** The population, in time order; called once per run, so that it can be generated as it is read. */
  events: () => Iterable<CustomerEvent>;
  seed: number;
  rates?: FaultRates;
  /**
   * How long each run goes on after the population's last event, so that waits and held sends come due; more
   * than the longest delay of a redelivered copy (arrivals.ts), so that both runs end at the same time.
   */
  daysAfter: number;
  /** Builds a fresh machine over these decorators (one for the fault-free run, one for the run with faults). */
  machine: (wrap: PortWrappers) => Promise<ChaosMachine>;
  /** Told every `every` inputs of each run, for a long run's progress. */
  onProgress?: (progress: ChaosProgress) => void;
  progressEvery?: number;
};

export type ChaosProgress = { run: 'fault-free' | 'faults'; inputs: number };

export type ChaosReport = {
  /** Events of the population, and inputs put with faults (copies included). */
  events: number;
  inputs: number;
  faults: Record<FaultKind, number>;
  /** Sends the provider refused for now, dead-lettered, and redriven by the harness. */
  redriven: number;
  comparison: SendComparison;
};

const DAY_MS = 86_400_000;
/**
 * How soon a dead-lettered send is redriven: an operator's alarm on the DLQ and its automated redrive, within a
 * quarter of an hour. A send redriven much later is decided again then, when its enrollment may have ended.
 */
const REDRIVE_EVERY_MS = 15 * 60_000;

/** The faults of the arrivals (arrivals.ts); every other kind strikes in the ports or the driver. */
const ARRIVAL_KINDS: readonly FaultKind[] = ['duplicate-event', 'reordered-event'];

/**
 * The chaos harness: the same population through a machine twice, without faults and with a seeded schedule
 * of them (ports: core/chaos/faulty-ports.ts; arrivals: arrivals.ts), comparing what reached the provider.
 * Both runs take the same arrival times: a reordered event is held back in both, and only the run with faults
 * gets the redelivered copies. The runtime decides a trigger when it arrives (docs/runtime.md, "Arrival
 * order"), so a hold-back of a minute can cross the start of quiet hours or let another journey's send take a
 * cap's last place first; such a message is decided otherwise, not lost, and the order window's own property
 * test covers what arrival order may change. The harness asks the other question: given the arrivals, do
 * duplicates, crashes, conflicts, throttling, timeouts and restarts change what the provider gets?
 * The undelivered sends a throttled provider leaves in the dead letters are redriven as soon as they appear,
 * as an operator (or an alarm's automation) redrives a DLQ.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const rates = options.rates ?? DEFAULT_FAULT_RATES;
  const arrivalRates = ratesWhere(rates, (kind) => ARRIVAL_KINDS.includes(kind));
  const portRates = ratesWhere(rates, (kind) => !ARRIVAL_KINDS.includes(kind));

  const expected = new ProviderWatch();
  const clean = await options.machine({ channel: expected.watch });
  const sameArrivals = new FaultPlan(options.seed, arrivalRates, ARRIVALS_STREAM);
  const baseline = await drive(
    clean,
    arrivalsWithoutCopies(options.events(), sameArrivals),
    undefined,
    options,
    'fault-free',
  );
  await clean.stop();

  const arrivals = new FaultPlan(options.seed, arrivalRates, ARRIVALS_STREAM);
  const plan = new FaultPlan(options.seed, portRates);
  const chaos = new ProviderWatch();
  const faulty = await options.machine(faultyPorts(plan, chaos));
  const run = await drive(faulty, arrivalsWithFaults(options.events(), arrivals), plan, options, 'faults');
  await faulty.stop();
  const comparison = compareSends(expected, chaos);
  const faults = { ...plan.counts };
  for (const kind of FAULT_KINDS) faults[kind] += arrivals.counts[kind];
  return {
    events: baseline.inputs,
    inputs: run.inputs,
    faults,
    redriven: run.redriven,
    comparison,
  };
}

/** The rates of the kinds `keep` names, the others 0. */
function ratesWhere(rates: FaultRates, keep: (kind: FaultKind) => boolean): FaultRates {
  const kept = { ...rates };
  for (const kind of FAULT_KINDS) if (!keep(kind)) kept[kind] = 0;
  return kept;
}

async function drive(
  machine: ChaosMachine,
  arrivals: Iterable<Arrival>,
  plan: FaultPlan | undefined,
  options: ChaosOptions,
  name: ChaosProgress['run'],
): Promise<{ inputs: number; redriven: number }> {
  let inputs = 0;
  const redriven = { seen: 0, sends: 0 };
  let last = Number.NEGATIVE_INFINITY;
  if (options.daysAfter * DAY_MS <= DUPLICATE_DELAY_MS.max)
    throw new RangeError(`chaos: daysAfter must be more than ${DUPLICATE_DELAY_MS.max / DAY_MS} days`);
  const every = options.progressEvery ?? 100_000;
  let clock = Number.NEGATIVE_INFINITY;
  for (const { event, at } of arrivals) {
    if (machine.restart && plan?.strikes('restart')) await machine.restart();
    // Sends dead-lettered while the clock runs to this arrival are redriven within REDRIVE_EVERY_MS.
    if (clock !== Number.NEGATIVE_INFINITY) await runRedriving(machine, clock, at, redriven);
    clock = Math.max(clock, at);
    await machine.put(event, at);
    // The end is measured from the events' own times, not their arrivals, so both runs end together.
    last = Math.max(last, Date.parse(event.time));
    await redrive(machine, redriven);
    if (++inputs % every === 0) options.onProgress?.({ run: name, inputs });
  }
  await runRedriving(machine, clock, last + options.daysAfter * DAY_MS, redriven);
  return { inputs, redriven: redriven.sends };
}

/** Runs the machine from `from` to `to`, redriving the undelivered sends every REDRIVE_EVERY_MS on the way. */
async function runRedriving(
  machine: ChaosMachine,
  from: number,
  to: number,
  redriven: { seen: number; sends: number },
): Promise<void> {
  for (let at = from + REDRIVE_EVERY_MS; at < to; at += REDRIVE_EVERY_MS) {
    await machine.runTo(at);
    await redrive(machine, redriven);
  }
  await machine.runTo(to);
  await redrive(machine, redriven);
}

/** Redrives the undelivered sends dead-lettered since the letters `redriven` has seen, and counts them there. */
async function redrive(machine: ChaosMachine, redriven: { seen: number; sends: number }): Promise<void> {
  const letters = machine.deadLetters();
  for (; redriven.seen < letters.length; redriven.seen++) {
    const letter = letters[redriven.seen];
    if (letter?.kind !== 'undelivered-send') continue;
    const intent = SendIntent.safeParse(letter.intent);
    if (!intent.success) throw new Error(`undelivered-send ${letter.messageId}: its intent does not parse`);
    await machine.redriveSend(intent.data);
    redriven.sends++;
  }
}
