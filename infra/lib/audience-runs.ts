import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ContextAttribute,
  type IScheduleGroup,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  IntegrationPattern,
  JsonPath,
  type StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import {
  LambdaInvoke,
  StepFunctionsStartExecution as StartExecutionTask,
} from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { shortHash } from '../../functions/core/engine/bucket.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import { compileSchedule, describeScheduleTrigger } from '../../functions/core/triggers/schedule.ts';
import type { CairnFunction } from './cairn-function.ts';
import { queueGrant, tableGrant } from './grants.ts';
import { loggedStateMachine } from './logged-state-machine.ts';
import { RowsMap } from './rows-map.ts';
import { schedulerExpression } from './run-schedules.ts';
import { SEGMENTS_MAP, type TableWorkersProps, tableWorker } from './table-workers.ts';

/** How a run's Distributed Map runs (table-workers.ts): a run missing a Segment would miss its members. */
export const AUDIENCE_RUN_MAP = SEGMENTS_MAP;

/** Scheduler's own retries of a start it could not make; a duplicate start is refused by the execution's name. */
export const RUN_SCHEDULE_RETRY = { retryAttempts: 5, maxEventAge: Duration.hours(1) } as const;

/** Schedule names: letters, digits, `-`, `_`, `.`, at most 64. */
const SCHEDULE_NAME_MAX = 64;

export type AudienceRunsProps = TableWorkersProps & {
  /** The zone of members without one, where a run's local time is planned (audience-runs/plan.ts). */
  defaultTimezone: string;
  ingestQueue: IQueue;
  scheduleGroup: IScheduleGroup;
};

/**
 * The runs of scheduled journeys and campaigns on AWS (docs/runtime.md, "Scheduled runs"): one EventBridge
 * Scheduler schedule per scheduled journey starts the launcher at each run's start; the launcher's first step
 * (`begin`) skips a journey that is not active (the registry's status) or a time that starts no run, and
 * otherwise starts the run's own execution under a name made of the journey and the run, so that a second
 * start of the same run is refused. The run opens its record, maps over the Segments of a parallel Scan of the
 * table (one worker per Segment, the same `enterMembers` the local stack runs), and completes its record with
 * the batches' counts. All the steps are the runs function's.
 */
export class AudienceRuns extends Construct {
  readonly worker: CairnFunction;
  readonly launcher: StateMachine;
  readonly run: StateMachine;
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: AudienceRunsProps) {
    super(scope, id);
    const { prefix } = props;
    this.worker = tableWorker(
      this,
      'RunsFunction',
      {
        name: 'runs',
        description: 'The steps of a scheduled run: its start, its record, one Segment of members',
      },
      props,
    );
    this.worker.setting('CAIRN_DEFAULT_TIMEZONE', props.defaultTimezone);
    // GetItem, PutItem, Query: the run's record and the journey registry; Scan and DescribeTable: the audience;
    // PutItem: the members' timers. Entries due now go on the ingest queue.
    this.worker
      .use(tableGrant(props.table, props.tableKey, ['GetItem', 'PutItem', 'Query', 'Scan', 'DescribeTable']))
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', props.ingestQueue));

    this.run = this.runMachine(prefix, props);
    this.launcher = this.launcherMachine(prefix, props);
    this.schedules = this.journeySchedules(prefix, props);
  }

  /** open -> (completed before: done) -> a batch per Segment -> complete. */
  private runMachine(prefix: string, props: AudienceRunsProps): StateMachine {
    const scope = new Construct(this, 'Run');
    const open = new LambdaInvoke(scope, 'Open', {
      stateName: 'Open',
      lambdaFunction: this.worker.function,
      payloadResponseOnly: true,
    });
    const segments = new RowsMap(scope, 'Segments', {
      reader: 'state',
      itemsPath: '$.segments',
      requestPath: '$.request',
      worker: this.worker.function,
      ...AUDIENCE_RUN_MAP,
      // A tally per Segment, at most 1,000 of about 100 bytes: within the state's 256 KiB.
      results: { resultPath: '$.tallies' },
    }).state;
    const complete = new LambdaInvoke(scope, 'Complete', {
      stateName: 'Complete',
      lambdaFunction: this.worker.function,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        step: 'complete',
        journeyId: JsonPath.stringAt('$.request.journeyId'),
        run: JsonPath.stringAt('$.request.run'),
        tallies: JsonPath.listAt('$.tallies'),
      }),
    });
    const definition = open.next(
      new Choice(scope, 'Opened', { stateName: 'Opened' })
        .when(Condition.stringEquals('$.state', 'open'), segments.next(complete))
        .otherwise(new Succeed(scope, 'CompletedBefore', { stateName: 'Completed before' })),
    );
    return loggedStateMachine(scope, {
      named: { prefix, name: 'audience-run' },
      logs: props,
      definition,
      invokes: [this.worker],
      distributedMap: true,
    }).stateMachine;
  }

  /** begin -> (not a run of an active journey: skipped) -> the run's execution started under its name. */
  private launcherMachine(prefix: string, props: AudienceRunsProps): StateMachine {
    const scope = new Construct(this, 'Launcher');
    const begin = new LambdaInvoke(scope, 'Begin', {
      stateName: 'Begin',
      lambdaFunction: this.worker.function,
      payloadResponseOnly: true,
    });
    const start = new StartExecutionTask(scope, 'StartRun', {
      stateName: 'Start the run',
      stateMachine: this.run,
      integrationPattern: IntegrationPattern.REQUEST_RESPONSE,
      name: JsonPath.stringAt('$.executionName'),
      input: TaskInput.fromJsonPathAt('$.input'),
    });
    // The name is in use: this run was started before (a Scheduler retry, a duplicate), so nothing to do.
    start.addCatch(new Succeed(scope, 'StartedBefore', { stateName: 'Started before' }), {
      errors: ['StepFunctions.ExecutionAlreadyExistsException'],
    });
    const definition = begin.next(
      new Choice(scope, 'Runs', { stateName: 'A run of an active journey?' })
        .when(Condition.booleanEquals('$.start', true), start)
        .otherwise(new Succeed(scope, 'Skipped', { stateName: 'Skipped' })),
    );
    return loggedStateMachine(scope, {
      named: { prefix, name: 'audience-run-start' },
      logs: props,
      definition,
      invokes: [this.worker],
      distributedMap: false,
    }).stateMachine;
  }

  /**
   * One schedule per scheduled journey whose file says active or paused (a pause, the file's or `cairn journeys
   * pause`'s, is the launcher's to honour, so that a resume needs no deploy; a draft or archived journey cannot
   * run without one), in the environment's schedule group, with one role that may start the launcher only.
   */
  private journeySchedules(prefix: string, props: AudienceRunsProps): Schedule[] {
    const journeys = scheduledJourneys(props.shipped.compiled.journeys);
    if (journeys.length === 0) return [];
    const role = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: starts the audience-run launcher, nothing else',
    });
    return journeys.map(({ journey, schedule }) => {
      const { expression, timeZone } = schedulerExpression(compileSchedule(schedule));
      return new Schedule(this, `Schedule-${journey.id}`, {
        scheduleName: runScheduleName(prefix, journey.id),
        description: `Starts the runs of ${journey.id}: ${describeScheduleTrigger(schedule)}`,
        scheduleGroup: props.scheduleGroup,
        schedule: ScheduleExpression.expression(expression, TimeZone.of(timeZone)),
        timeWindow: TimeWindow.off(),
        target: new StepFunctionsStartExecution(this.launcher, {
          role,
          // The launcher's `begin` (BeginRequest, functions/handlers/runs/requests.ts).
          input: ScheduleTargetInput.fromObject({
            step: 'begin',
            journeyId: journey.id,
            scheduledTime: ContextAttribute.scheduledTime,
          }),
          ...RUN_SCHEDULE_RETRY,
        }),
      });
    });
  }
}

type ScheduleOf = NonNullable<Journey['trigger']['schedule']>;

/** The journeys that get a schedule: a schedule trigger, and a file status that a pause or resume can change. */
export function scheduledJourneys(
  journeys: readonly Journey[],
): { journey: Journey; schedule: ScheduleOf }[] {
  return journeys.flatMap((journey) => {
    const { schedule } = journey.trigger;
    return schedule && (journey.status === 'active' || journey.status === 'paused')
      ? [{ journey, schedule }]
      : [];
  });
}

/** `cairn-prod-run-weekly-newsletter`; a journey id too long for the 64 characters keeps its start and a hash. */
export function runScheduleName(prefix: string, journeyId: string): string {
  const head = `${prefix}-run-`;
  const room = SCHEDULE_NAME_MAX - head.length;
  return `${head}${journeyId.length <= room ? journeyId : `${journeyId.slice(0, room - 17)}-${shortHash(journeyId)}`}`;
}
