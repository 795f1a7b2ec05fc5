import type { CallStub } from '../calls/stubs.ts';
import type { JourneyRegistry } from '../ports/journey-registry.ts';
import type { Observer } from '../ports/observer.ts';
import type { PortWrappers } from '../ports/port-wrappers.ts';
import type { TextRecords } from '../ports/text-records.ts';
import type { Profile } from '../profile/profile.ts';
import type { AudienceRunPorts } from '../runtime/audience-runs.ts';
import type { RuntimeConfig } from '../runtime/config.ts';
import type { QueueWait } from './queue-waits.ts';
import type { RetiredRecords } from './tally.ts';

/** Where the stores that grow with a simulation's customers keep their text (SimulationOptions.texts). */
export type SimulationTexts = { states: TextRecords; claims: TextRecords; timers: TextRecords };

export type SimulationOptions = {
  /** The journeys, lifecycle model, delivery policies and templates, as a function runs them. */
  config: RuntimeConfig;
  /** Profiles known before the first event, e.g. from a journey test. */
  profiles?: ReadonlyMap<string, Profile>;
  /** Told every observation after the tally, in virtual-time order (timelines, `cairn explain`). */
  observer?: Observer;
  /**
   * Journey versions and statuses to follow, as a deployed function follows the table's: each function
   * (ingest, timers, deliver) refreshes its catalog from it before it runs, at most once a virtual minute,
   * so a journey paused here is paused within a minute, as on AWS. Without it, the journeys as loaded.
   */
  registry?: JourneyRegistry;
  /**
   * The real clock, for replays of event files: an event dated past both the replay's clock and the real
   * clock by more than the future window arrives at once and is refused (events/limits.ts, replayArrival).
   * Without it (journey tests, explain of a file's own timeline), every event arrives at its own time.
   */
  wallClock?: () => number;
  /** How call steps' calls are answered (fixed answers, failures, timeouts); a call no stub answers fails. */
  calls?: readonly CallStub[];
  /** Decorators around the adapters (the chaos harness's faults, core/chaos/); none by default. */
  wrap?: PortWrappers;
  /**
   * Whether the channels keep every message they are handed (`channels.*.sent`); true by default. A long run
   * that watches the provider through `wrap.channel` keeps none, so that memory does not grow with messages.
   */
  keepSent?: boolean;
  /** Wraps the ports of scheduled journeys' runs, for tests that inject faults into a run. */
  wrapRunPorts?: (ports: AudienceRunPorts) => AudienceRunPorts;
  /** Where the tally hands each record once it is final, instead of keeping it (Tally's `retire`). */
  retire?: RetiredRecords;
  /**
   * Where the customer states, the send ledger's claims and the pending timers keep their JSON text: Maps in
   * the heap by default. `cairn simulate` passes spill files, so that a share's heap does not grow with them.
   */
  texts?: SimulationTexts;
  /**
   * How much state text the state store also holds as objects (InMemoryCustomerStateStoreOptions.hotChars):
   * HOT_STATE_CHARS by default; `cairn simulate` splits it among the shares of one process, whose heaps add up.
   */
  hotStateChars?: number;
  /**
   * Told of each queue message handled after it became visible, or at a paced stop of this simulation: the
   * stops of the clock that decide when it is handled are shared with other customers (simulate/subset.ts).
   */
  onWait?: (wait: QueueWait) => void;
};
