import type { PiiDisplay } from '../core/diagnostics/mask.ts';
import type { CallPort } from '../core/ports/call-port.ts';
import type { OutcomeLog } from '../core/ports/outcome-log.ts';
import type { PortWrappers } from '../core/ports/port-wrappers.ts';
import type { AudienceRunPorts } from '../core/runtime/audience-runs.ts';
import type { LocalClock } from './clock.ts';

export type LocalStackOptions = {
  /** The journeys folder, with templates/, lifecycle.yaml and policies.yaml beside the journeys. */
  journeysDir: string;
  /** The environment of policies.yaml and lifecycle.yaml to apply; their base values when absent. */
  environment?: string;
  defaultTimezone?: string;
  clock: LocalClock;
  /** The PutEvents endpoint's port; a free one when absent. */
  port?: number;
  sesPort?: number;
  /** The handlers' own log lines (Powertools Logger); none by default, the report says what happened. */
  logLevel?: 'SILENT' | 'WARN' | 'INFO' | 'DEBUG';
  /** Whether the handlers' log lines show personal data (`--show-pii`); masked by default. */
  pii?: PiiDisplay;
  /** The sender of local email. */
  emailFrom?: string;
  /**
   * Values of the secrets call steps name in headers (`{ secret: NAME }`); a name not here is read from the
   * environment variable CAIRN_SECRET_<NAME> (upper case, other characters as _).
   */
  secrets?: Readonly<Record<string, string>>;
  /** Wraps the calls function's HTTP caller, for tests that inject faults; calls go to real URLs otherwise. */
  wrapCaller?: (caller: CallPort) => CallPort;
  /**
   * How many calls the calls function makes at once, as `concurrency.calls` instances do on AWS; 1 by default,
   * so that a local run is repeatable. More shows a target's `maxConcurrent` at work.
   */
  callWorkers?: number;
  /**
   * The long-running mode (`--serve`): PutEvents waits while the ingest backlog is full (backpressure), and the
   * stack keeps counters and the latest messages rather than everything, so that memory stays bounded. A
   * replay keeps everything for its result.
   */
  serving?: boolean;
  /**
   * `--data DIR`: the table (customer state, ledger, timers, journey registry) in LevelDB files and each queue
   * in a journal file there, so that a restart with the same folder loses nothing acknowledged.
   */
  dataDir?: string;
  /** Where the use cases' outcome records go (`--log DIR`), as Lambda's go to Firehose; none by default. */
  outcomes?: OutcomeLog;
  /** More function-URL-style handlers on the endpoint, by path: the served stack's live report (`/report`). */
  pages?: Record<string, (event: unknown) => Promise<unknown>>;
  /** Decorators around the state store, the send queue and the channels (the chaos harness, core/chaos/). */
  wrap?: PortWrappers;
  /** Wraps the ports of scheduled journeys' runs, for tests that inject faults into a run. */
  wrapRunPorts?: (ports: AudienceRunPorts) => AudienceRunPorts;
};
