import { shortHash } from '../engine/bucket.ts';
import type { CompiledJourney, JourneyCatalog } from '../engine/catalog.ts';
import { runStartingAt, type ScheduledRun } from '../triggers/schedule.ts';

/** Why a scheduled start runs nothing. */
export type RunRefusal = 'unknown-journey' | 'not-active' | 'no-schedule' | 'not-a-run';

export type RunStart =
  | { kind: 'start'; journey: CompiledJourney; scheduled: ScheduledRun }
  | { kind: 'skip'; reason: RunRefusal; detail: string };

/**
 * Whether a journey's run may start now, as the catalog has the journey: only an active journey runs (a paused,
 * draft or archived one is skipped, its schedule left as it is, so that a resume needs no deploy). The local
 * stack and the simulator ask it for each due run; on AWS the run's first step asks it for the run
 * EventBridge Scheduler started.
 */
export function runnableJourney(
  catalog: JourneyCatalog,
  journeyId: string,
): { journey: CompiledJourney } | { reason: RunRefusal; detail: string } {
  const journey = catalog.latestOf(journeyId);
  if (!journey) return { reason: 'unknown-journey', detail: `no journey ${journeyId} is deployed` };
  const { status } = journey.journey;
  if (status !== 'active') return { reason: 'not-active', detail: `journey ${journeyId} is ${status}` };
  return { journey };
}

/**
 * The run EventBridge Scheduler started at `scheduledTime` (AWS, the run's first step): the journey must be
 * active, have a schedule trigger, and the time must be the start of one of its runs, whose id is derived from
 * it as locally (triggers/schedule.ts, `runStartingAt`).
 */
export function scheduledRunStart(
  catalog: JourneyCatalog,
  journeyId: string,
  scheduledTime: number,
): RunStart {
  const runnable = runnableJourney(catalog, journeyId);
  if (!('journey' in runnable)) return { kind: 'skip', ...runnable };
  const { journey } = runnable;
  if (!journey.schedule)
    return { kind: 'skip', reason: 'no-schedule', detail: `journey ${journeyId} has no schedule trigger` };
  const scheduled = runStartingAt(journey.schedule, scheduledTime);
  if (!scheduled)
    return {
      kind: 'skip',
      reason: 'not-a-run',
      detail: `${new Date(scheduledTime).toISOString()} starts no run of ${journeyId}`,
    };
  return { kind: 'start', journey, scheduled };
}

/** Step Functions' limit on an execution's name. */
const EXECUTION_NAME_MAX = 80;

/**
 * The name of a run's execution on AWS: the journey and the run (`weekly-newsletter--2026-12-07T0900`), so that
 * a second start of the same run (a Scheduler retry, a duplicate) is refused by Step Functions as a name in use
 * rather than run twice. Names allow no `:`; a journey id too long for the 80 characters keeps its start and a
 * hash of the whole.
 */
export function runExecutionName(journeyId: string, run: string): string {
  const suffix = `--${run.replaceAll(':', '')}`;
  const room = EXECUTION_NAME_MAX - suffix.length;
  const journey =
    journeyId.length <= room ? journeyId : `${journeyId.slice(0, room - 17)}-${shortHash(journeyId)}`;
  return `${journey}${suffix}`;
}
