import type { CallStub } from '../calls/stubs.ts';
import type { JourneyRegistry } from '../ports/journey-registry.ts';
import type { Observer } from '../ports/observer.ts';
import type { RuntimeConfig } from '../runtime/config.ts';
import { type DeadLetterRecord, deadLetterRecord } from './result.ts';
import { Simulation } from './simulation.ts';
import type { SimulationOptions, SimulationTexts } from './simulation-options.ts';
import type { RetiredRecords } from './tally.ts';

const DAY = 86_400_000;
const NO_LINES: ReadonlyMap<string, number> = new Map();

/** An event line this partition puts: its value as the file has it, its id and its line number. */
export type OwnLine = { value: unknown; id: string; line: number };

/**
 * Consecutive event lines of a file as a share takes them: every line's time (null when it has none), and this
 * share's own lines with their index among them. `wallNow` is the real clock when the batch was read.
 */
export type LineBatch = {
  wallNow: number;
  ats: readonly (number | null)[];
  own: readonly (OwnLine & { index: number })[];
};

export type PartitionOptions = {
  config: RuntimeConfig;
  observer?: Observer;
  registry?: JourneyRegistry;
  calls?: readonly CallStub[];
  /** Whether the channels keep what they are handed (SimulationOptions.keepSent); true by default. */
  keepSent?: boolean;
  /** Where final records go instead of being kept (SimulationOptions.retire). */
  retire?: RetiredRecords;
  /** Where states, claims and timers keep their text (SimulationOptions.texts). */
  texts?: SimulationTexts;
  /** How much state text the share's store holds as objects (SimulationOptions.hotStateChars). */
  hotStateChars?: number;
  /** Told of each queue wait (SimulationOptions.onWait). */
  onWait?: SimulationOptions['onWait'];
};

/**
 * The customers of one share of an event file, simulated (`cairn simulate --workers N` runs N of them, one per
 * worker thread; one simulation of the whole file is the one share of one). Customers do not meet in the
 * runtime but through time: the clock of one simulation stops at every line's arrival, and a timer, a retried
 * message or a late event is handled at the stop where it is first due. So every share is told every line's
 * arrival (`line`), its own customers' or not, and puts only its own: each customer then sees the same clock
 * stops, and the same decisions, as in one simulation. The one thing that couples customers, a journey's
 * send-rate limit, is shared by all of them: where it binds, the customers it couples are simulated again together (subset.ts).
 */
export class SimulationPartition {
  readonly simulation: Simulation;
  private latest = Number.NEGATIVE_INFINITY;
  /** The file line of each invalid-event dead letter, by its index among the dead letters. */
  private readonly letterLines = new Map<number, number>();

  constructor(options: PartitionOptions) {
    this.simulation = new Simulation({
      config: options.config,
      ...(options.observer ? { observer: options.observer } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.calls ? { calls: options.calls } : {}),
      ...(options.keepSent === undefined ? {} : { keepSent: options.keepSent }),
      ...(options.retire ? { retire: options.retire } : {}),
      ...(options.texts ? { texts: options.texts } : {}),
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(options.hotStateChars === undefined ? {} : { hotStateChars: options.hotStateChars }),
    });
  }

  /**
   * One event line of the file, in the file's order: the clock run to when it arrives (dated `at`, the real
   * clock reading `wallNow`: Simulation.arrive), and the line put when it is this share's (`own`).
   */
  async line(at: number | undefined, wallNow: number | undefined, own: OwnLine | undefined): Promise<void> {
    const { simulation } = this;
    await simulation.arrive(at, wallNow);
    if (own) {
      const before = simulation.deadLetters.length;
      simulation.receive(own.value, at);
      await simulation.drain();
      for (let index = before; index < simulation.deadLetters.length; index++) {
        const letter = simulation.deadLetters[index];
        if (letter?.kind === 'invalid-event' && letter.eventId === own.id)
          this.letterLines.set(index, own.line);
      }
    }
    // The latest arrival, not the latest time written: an event refused as too far ahead arrived earlier.
    if (at !== undefined) this.latest = Math.max(this.latest, simulation.now);
  }

  /**
   * A batch of the file's event lines, in order (LineBatch): each line's arrival, and the lines of this share
   * put. The real clock is read once per batch, by whoever reads the file, so every share sees one reading.
   */
  async take(batch: LineBatch): Promise<void> {
    let next = 0;
    for (let index = 0; index < batch.ats.length; index++) {
      const own = batch.own[next];
      const mine = own?.index === index ? own : undefined;
      if (mine) next++;
      await this.line(batch.ats[index] ?? undefined, batch.wallNow, mine);
    }
  }

  /** Where the clock runs to at the end: `until`, or `daysAfter` days after the latest arrival. */
  until(until: number | undefined, daysAfter = 30): number {
    const end = until ?? (Number.isFinite(this.latest) ? this.latest + daysAfter * DAY : this.simulation.now);
    return Number.isFinite(end) ? end : 0;
  }

  /** The dead letters as the result reports them, with the file line of each invalid event. */
  deadLetters(): DeadLetterRecord[] {
    return this.simulation.deadLetters.map((letter, index) => {
      const record = deadLetterRecord(letter, NO_LINES);
      const line = this.letterLines.get(index);
      return line === undefined ? record : { ...record, line };
    });
  }
}

/**
 * The share of the customers a user id belongs to, of `count`: the same for every line of a customer, and the
 * same from one run to the next (FNV-1a of the id).
 */
export function partitionOf(userId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}
