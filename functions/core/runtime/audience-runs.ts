import type { AudienceRunRecord } from '../audience-runs/record.ts';
import { runnableJourney } from '../audience-runs/start.ts';
import {
  completeAudienceRun,
  enterMembers,
  openAudienceRun,
  type RunTally,
  runContext,
} from '../audience-runs/steps.ts';
import type { CompiledJourney } from '../engine/catalog.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { AudienceRunStore } from '../ports/audience-run-store.ts';
import type { CustomerScan } from '../ports/customer-scan.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { Observer } from '../ports/observer.ts';
import type { TimerStore } from '../ports/timer-store.ts';
import { nextRunAfter, runsStartingIn, type ScheduledRun } from '../triggers/schedule.ts';
import { SWEEP_INTERVAL_MS } from './drive.ts';
import type { CatalogSource } from './journey-catalog.ts';

export type AudienceRunPorts = {
  runs: AudienceRunStore;
  /** Where the audience is read from: every customer's state. */
  customers: CustomerScan;
  /** The ingest path, for entries due now. */
  events: EventPublisher;
  /** The durable timers, for entries at each member's local time. */
  timers: TimerStore;
  /** The journeys and segments to run with, as the engine's functions have them. */
  catalogs: CatalogSource;
  lifecycle: LifecycleModel | undefined;
  defaultTimezone: string;
  now: () => number;
  /** Told each run's record when it completes (the simulator's and the local stack's report). */
  observer?: Observer;
};

/**
 * One run of a scheduled journey, in-process (the simulator and the local stack): the pieces of
 * audience-runs/steps.ts one after the other, as the run's state machine runs them on AWS, where each page is
 * a Segment of a parallel Scan handled by a Distributed Map's worker. The audience is resolved once, by the
 * batch evaluation of segments (segments/evaluate.ts) on each state as of the run's start; each member is
 * given an entry input, at once on the ingest path or as a timer at their local time (audience-runs/plan.ts);
 * the run is recorded before and after. A run already completed does nothing; one that crashed is done again
 * whole, and enrolls nobody twice: its entry inputs have the same ids, ingest drops an event it applied, the
 * timer store keeps one timer per id, and the customer's state remembers the run that enrolled them.
 */
export async function performAudienceRun(
  journey: CompiledJourney,
  scheduled: ScheduledRun,
  ports: AudienceRunPorts,
): Promise<AudienceRunRecord> {
  const opened = await openAudienceRun(journey.id, scheduled, ports);
  if (opened.kind === 'completed') return opened.record;
  const context = runContext(journey, opened.record, {
    segments: ports.catalogs.current().segments,
    lifecycle: ports.lifecycle,
    defaultTimezone: ports.defaultTimezone,
  });
  const tallies: RunTally[] = [];
  for await (const page of ports.customers.pages()) tallies.push(await enterMembers(page, context, ports));
  const done = completeAudienceRun(opened.record, tallies, ports.now());
  await ports.runs.put(done);
  ports.observer?.observe({ type: 'audience-run', at: done.completedAt, record: done });
  return done;
}

/**
 * Which runs of the catalog's scheduled journeys are due, as EventBridge Scheduler starts them on AWS: each run
 * of an active journey whose start falls after `since` (the machine's start) and at or before now, plus any
 * run that failed, which is tried again at the next minute. The local stack and the simulator ask it at every
 * stop of the driver (runtime/drive.ts), so a run starts at its minute of virtual time.
 */
export class ScheduledRuns {
  private checkedUpTo: number;
  private readonly failed = new Map<string, { journeyId: string; run: ScheduledRun }>();
  private nextKnown: { upTo: number; catalog: object; at: number | undefined } | undefined;
  readonly errors: { journeyId: string; run: string; error: string }[] = [];

  constructor(
    private readonly ports: AudienceRunPorts,
    since: number,
  ) {
    this.checkedUpTo = since;
  }

  /** When the next run is due: the next start of a scheduled journey, or the next minute for a retry. */
  nextAt(): number | undefined {
    if (this.failed.size > 0) return this.checkedUpTo + SWEEP_INTERVAL_MS;
    // Asked at every stop of the driver: worked out again only when the clock's checks or the catalog moved.
    const catalog = this.ports.catalogs.current();
    const known = this.nextKnown;
    if (known?.upTo === this.checkedUpTo && known.catalog === catalog) return known.at;
    const at = this.findNext();
    this.nextKnown = { upTo: this.checkedUpTo, catalog, at };
    return at;
  }

  private findNext(): number | undefined {
    let next: number | undefined;
    for (const journey of this.scheduledJourneys()) {
      if (!journey.schedule) continue;
      const run = nextRunAfter(journey.schedule, this.checkedUpTo);
      if (run && (next === undefined || run.at < next)) next = run.at;
    }
    return next;
  }

  /** Starts every run due now, one after the other; a run that throws is kept to be tried again. */
  async startDue(): Promise<AudienceRunRecord[]> {
    const now = this.ports.now();
    const due = [...this.failed.values()];
    this.failed.clear();
    for (const journey of this.scheduledJourneys())
      if (journey.schedule)
        for (const run of runsStartingIn(journey.schedule, this.checkedUpTo, now))
          due.push({ journeyId: journey.id, run });
    this.checkedUpTo = Math.max(this.checkedUpTo, now);
    const done: AudienceRunRecord[] = [];
    for (const { journeyId, run } of due) {
      const runnable = runnableJourney(this.ports.catalogs.current(), journeyId);
      if (!('journey' in runnable)) continue;
      try {
        done.push(await performAudienceRun(runnable.journey, run, this.ports));
      } catch (error) {
        this.failed.set(`${journeyId}|${run.run}`, { journeyId, run });
        this.errors.push({
          journeyId,
          run: run.run,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return done;
  }

  private *scheduledJourneys(): Iterable<CompiledJourney> {
    for (const journey of this.ports.catalogs.current().latest())
      if (journey.schedule && journey.journey.status === 'active') yield journey;
  }
}
