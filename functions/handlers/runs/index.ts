import type * as z from 'zod';
import type { AudienceRunRecord } from '../../core/audience-runs/record.ts';
import { runExecutionName, scheduledRunStart } from '../../core/audience-runs/start.ts';
import {
  addTallies,
  completeAudienceRun,
  enterMembers,
  openAudienceRun,
  type RunTally,
  runContext,
} from '../../core/audience-runs/steps.ts';
import { totalSegmentsFor } from '../../core/segments/scan.ts';
import { refreshing } from '../shared/journey-catalog.ts';
import { count, type Observability, observability, withObservability } from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import {
  type BeginAnswer,
  type BeginRequest,
  type CompleteRequest,
  type MembersBatch,
  type OpenAnswer,
  type OpenRequest,
  RunRequest,
} from './requests.ts';
import type { AudienceRunFunctionPorts } from './wiring.ts';

/**
 * The runs function: every step of a scheduled journey's run on AWS (infra/lib/audience-runs.ts), each one of
 * the pieces the local stack and the simulator run in-process (core/audience-runs/steps.ts):
 *
 * - `begin` (the launcher, started by EventBridge Scheduler): is the journey active, and which run starts at
 *   the scheduled time; the answer names the run's execution, so that a second start of it is refused;
 * - `open`: the run recorded as started, and the Segments of the parallel Scan to map over;
 * - a batch of the Distributed Map: one Segment of the Scan through `enterMembers`, entry inputs to the ingest
 *   queue (SendMessageBatch, 10 at a time) or to the timers;
 * - `complete`: the batches' counts added up and the run recorded as completed.
 */
export function runsHandler(
  ports: () => Promise<AudienceRunFunctionPorts>,
  obs: Observability = observability('runs'),
) {
  return withObservability(
    async (input: unknown): Promise<BeginAnswer | OpenAnswer | RunTally | AudienceRunRecord> => {
      const request = RunRequest.parse(input);
      const resolved = await ports();
      if ('Items' in request) return members(request, resolved, obs);
      switch (request.step) {
        case 'begin':
          return begin(request, resolved, obs);
        case 'open':
          return open(request, resolved);
        case 'complete':
          return complete(request, resolved, obs);
      }
    },
    obs,
  );
}

function begin(
  request: z.infer<typeof BeginRequest>,
  ports: AudienceRunFunctionPorts,
  obs: Observability,
): BeginAnswer {
  const decided = scheduledRunStart(
    ports.catalogs.current(),
    request.journeyId,
    Date.parse(request.scheduledTime),
  );
  if (decided.kind === 'skip') {
    obs.logger.info('scheduled run skipped', { journeyId: request.journeyId, ...decided });
    count(obs.metrics, 'RunsSkipped');
    return { start: false, reason: decided.reason, detail: decided.detail };
  }
  const { journey, scheduled } = decided;
  return {
    start: true,
    executionName: runExecutionName(journey.id, scheduled.run),
    input: { step: 'open', journeyId: journey.id, run: scheduled.run, at: scheduled.at },
  };
}

async function open(
  request: z.infer<typeof OpenRequest>,
  ports: AudienceRunFunctionPorts,
): Promise<OpenAnswer> {
  const opened = await openAudienceRun(request.journeyId, { run: request.run, at: request.at }, ports);
  if (opened.kind === 'completed') return { state: 'completed', record: opened.record };
  const totalSegments = totalSegmentsFor(await ports.itemCount());
  return {
    state: 'open',
    request: {
      step: 'members',
      journeyId: request.journeyId,
      run: request.run,
      startedAt: opened.record.startedAt,
      totalSegments,
    },
    segments: Array.from({ length: totalSegments }, (_, segment) => segment),
  };
}

async function members(
  batch: z.infer<typeof MembersBatch>,
  ports: AudienceRunFunctionPorts,
  obs: Observability,
): Promise<RunTally> {
  const { request } = batch.BatchInput;
  const journey = ports.catalogs.current().latestOf(request.journeyId);
  if (!journey) throw new Error(`no journey ${request.journeyId} is deployed`);
  const context = runContext(journey, request, {
    segments: ports.catalogs.current().segments,
    lifecycle: ports.lifecycle,
    defaultTimezone: ports.defaultTimezone,
  });
  const tallies: RunTally[] = [];
  for (const { value: segment } of batch.Items) {
    if (segment >= request.totalSegments)
      throw new Error(`Segment ${segment} is not below TotalSegments ${request.totalSegments}`);
    for await (const page of ports.scan({ segment, totalSegments: request.totalSegments }))
      tallies.push(await enterMembers(page, context, ports.exits));
  }
  const tally = addTallies(tallies);
  count(obs.metrics, 'RunMembers', tally.audience);
  count(obs.metrics, 'RunEntries', tally.entries);
  return tally;
}

async function complete(
  request: z.infer<typeof CompleteRequest>,
  ports: AudienceRunFunctionPorts,
  obs: Observability,
): Promise<AudienceRunRecord> {
  const record = await ports.runs.get(request.journeyId, request.run);
  if (!record) throw new Error(`run ${request.run} of ${request.journeyId} was never opened`);
  if (record.completedAt !== undefined) return record;
  const done = completeAudienceRun(record, request.tallies, ports.now());
  await ports.runs.put(done);
  obs.logger.info('scheduled run completed', { ...done });
  return done;
}

const instance = observability('runs');
/** The catalog is refreshed, when a minute old, before each step: a pause applies to the next run's start. */
export const handler = runsHandler(
  refreshing(
    once(async () => (await import('./wiring.ts')).wireRuns()),
    instance.logger,
  ),
  instance,
);
