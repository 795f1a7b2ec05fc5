import type { ScheduledRuns } from '../core/runtime/audience-runs.ts';
import { LOCAL_BATCH } from '../core/runtime/drive.ts';
import type { CatalogSource } from '../core/runtime/journey-catalog.ts';
import { SWEEP_LIMIT } from '../core/runtime/timers.ts';
import { LAMBDA_CONTEXT, runBatch, type serialiser } from './lambda-invoke.ts';
import type { LocalFunctions } from './stack-functions.ts';
import type { LocalQueues } from './stack-storage.ts';

/** How the local stack moves its queues and timers: its handlers invoked one at a time (`serial`). */
export type LocalWork = {
  /** Starts the scheduled runs due now, then fires the timers due now, without draining the queues after. */
  fireTimers: () => Promise<void>;
  /** Runs the queues' batches until they are empty. */
  drain: () => Promise<void>;
  /** Fair work for a long-running stack, until the queues are empty (false) or the wall clock passes `deadline` (true). */
  work: (deadline: number) => Promise<boolean>;
};

export type LocalWorkParts = {
  queues: LocalQueues;
  functions: LocalFunctions;
  scheduled: ScheduledRuns;
  /** The runs' catalog, refreshed before a sweep as the runs function does. */
  runCatalog: CatalogSource;
  serial: ReturnType<typeof serialiser>;
  now: () => number;
  /** How many calls batches the calls function takes at once. */
  callWorkers: number | undefined;
};

export function localWork(parts: LocalWorkParts): LocalWork {
  const { queues, functions, scheduled, runCatalog, serial, now, callWorkers } = parts;
  const { ingest, feedback, deliver, calls, sweep } = functions;
  /** Fires the timers due now; the sweep goes on within the minute until nothing more is due. */
  const fireTimers = () =>
    serial(async () => {
      await runCatalog.refreshIfStale?.();
      await scheduled.startDue();
      for (let more = true; more; ) {
        const report = await sweep(
          { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(now()).toISOString() },
          LAMBDA_CONTEXT,
        );
        more = report.more && report.fired >= SWEEP_LIMIT;
      }
    });
  const drain = () =>
    serial(async () => {
      // Ingest first: a send is decided only after every event that could have ended its journey.
      // Deliver runs a batch's records in parallel; one record per batch keeps a local run repeatable (on AWS,
      // the conditional writes order concurrent sends to one customer).
      while (
        (await runBatch(queues.ingest, ingest, LOCAL_BATCH.ingest)) ||
        (await runBatch(queues.feedback, feedback, LOCAL_BATCH.feedback)) ||
        (await runBatch(queues.send, deliver, LOCAL_BATCH.deliver)) ||
        (await runBatch(queues.calls, calls, LOCAL_BATCH.calls, callWorkers ?? 1))
      ) {}
    });
  const work = (deadline: number) =>
    serial(async () => {
      for (;;) {
        const ingested = await runBatch(queues.ingest, ingest, LOCAL_BATCH.ingest);
        const fed = await runBatch(queues.feedback, feedback, LOCAL_BATCH.feedback);
        // As many sends as ingest took events, one at a time, so sends keep pace with what ingest makes.
        let delivered = 0;
        while (delivered < LOCAL_BATCH.ingest && (await runBatch(queues.send, deliver, LOCAL_BATCH.deliver)))
          delivered++;
        const called = await runBatch(queues.calls, calls, LOCAL_BATCH.calls, callWorkers ?? 1);
        if (!ingested && !fed && delivered === 0 && !called) return false;
        if (Date.now() >= deadline) return true;
      }
    });
  return { fireTimers, drain, work };
}
