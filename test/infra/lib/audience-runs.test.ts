import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { compileSchedule, ScheduleTrigger } from '../../../functions/core/triggers/schedule.ts';
import { RunsEnvironment } from '../../../functions/handlers/runs/wiring.ts';
import { AUDIENCE_RUN_MAP, RUN_SCHEDULE_RETRY, runScheduleName } from '../../../infra/lib/audience-runs.ts';
import { schedulerExpression } from '../../../infra/lib/run-schedules.ts';
import {
  allowedTo,
  definitionOf,
  nameIn,
  Resolver,
  removeOutput,
  resourcesOf,
  type Synthesized,
  synthesize,
  withoutHash,
} from '../support.ts';

const ScheduleProperties = z.object({
  Name: z.string(),
  GroupName: z.string(),
  ScheduleExpression: z.string(),
  ScheduleExpressionTimezone: z.string(),
  FlexibleTimeWindow: z.object({ Mode: z.string() }),
  Target: z.object({
    Arn: z.unknown(),
    Input: z.string(),
    RoleArn: z.unknown(),
    RetryPolicy: z.object({ MaximumEventAgeInSeconds: z.number(), MaximumRetryAttempts: z.number() }),
  }),
});

describe.each(['dev', 'staging', 'prod'])('the scheduled runs in %s', (env) => {
  let synthesized: Synthesized;
  let resolver: Resolver;
  beforeAll(async () => {
    synthesized = await synthesize(env);
    resolver = new Resolver(synthesized);
  }, 120_000);
  afterAll(() => removeOutput(synthesized));

  it('schedules each scheduled journey and campaign in the environment group, at its runs, starting the launcher', () => {
    // Act
    const schedules = resourcesOf(synthesized.statelessTemplate, 'AWS::Scheduler::Schedule')
      .map(([, properties]) => ScheduleProperties.parse(properties))
      .filter((schedule) => schedule.Name.includes('-run-'));

    // Assess: the weekly newsletter (journeys/) and the holiday campaign (journeys/campaigns/), in UTC+14.
    expect(schedules.map((s) => [s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone]).sort()).toEqual(
      [
        [`cairn-${env}-run-holiday-vip`, 'at(2026-12-24T10:00:00)', 'Pacific/Kiritimati'],
        [`cairn-${env}-run-weekly-newsletter`, 'cron(0 9 ? * 2 *)', 'Pacific/Kiritimati'],
      ],
    );
    for (const schedule of schedules) {
      expect(schedule.GroupName).toBe(`cairn-${env}`);
      expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(nameIn(resolver, schedule.Target.Arn)).toBe('AudienceRunsLauncherStateMachine');
      expect(nameIn(resolver, schedule.Target.RoleArn)).toBe('AudienceRunsScheduleRole.Arn');
      expect(JSON.parse(schedule.Target.Input)).toEqual({
        step: 'begin',
        journeyId: schedule.Name.replace(`cairn-${env}-run-`, ''),
        scheduledTime: '<aws.scheduler.scheduled-time>',
      });
      expect(schedule.Target.RetryPolicy).toEqual({
        MaximumEventAgeInSeconds: RUN_SCHEDULE_RETRY.maxEventAge.toSeconds(),
        MaximumRetryAttempts: RUN_SCHEDULE_RETRY.retryAttempts,
      });
    }
  });

  it('lets the schedules start the launcher and nothing else, for this account only', () => {
    // Act
    const statements = allowedTo(synthesized, resolver, 'AudienceRunsScheduleRole');

    // Assess
    expect(statements).toEqual(['states:StartExecution AudienceRunsLauncherStateMachine']);
    synthesized.statelessTemplate.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': resolver.account } },
          },
        ],
      },
      Description: 'EventBridge Scheduler: starts the audience-run launcher, nothing else',
    });
  });

  it("begins with the runs function's decision and starts the run under its name, a name in use being a start made before", () => {
    // Act
    const { StartAt, States } = definitionOf(synthesized, resolver, 'AudienceRunsLauncherStateMachine');

    // Assess
    expect(StartAt).toBe('Begin');
    expect(States.Begin).toMatchObject({ Type: 'Task', Resource: 'AudienceRunsRunsFunction.Arn' });
    expect(States['A run of an active journey?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.start', BooleanEquals: true, Next: 'Start the run' }],
      Default: 'Skipped',
    });
    expect(States['Start the run']).toMatchObject({
      Type: 'Task',
      Resource: 'arn:AWS::Partition:states:::states:startExecution',
      Parameters: {
        StateMachineArn: 'AudienceRunsRunStateMachine',
        'Name.$': '$.executionName',
        'Input.$': '$.input',
      },
      Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Next: 'Started before' }],
    });
  });

  it('opens the run, maps its Segments one per batch with no failure tolerated, and completes it with their tallies', () => {
    // Act
    const { StartAt, States } = definitionOf(synthesized, resolver, 'AudienceRunsRunStateMachine');

    // Assess
    expect(StartAt).toBe('Open');
    expect(States.Opened).toMatchObject({
      Choices: [{ Variable: '$.state', StringEquals: 'open', Next: 'Segments' }],
      Default: 'Completed before',
    });
    expect(States.Segments).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.segments',
      ResultPath: '$.tallies',
      MaxConcurrency: AUDIENCE_RUN_MAP.maxConcurrency,
      ItemBatcher: { MaxItemsPerBatch: 1, BatchInput: { 'request.$': '$.request' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      Next: 'Complete',
    });
    expect(States.Segments).not.toHaveProperty('ToleratedFailurePercentage');
    expect(States.Segments).not.toHaveProperty('ResultWriter');
    expect(States.Complete).toMatchObject({
      Resource: 'AudienceRunsRunsFunction.Arn',
      Parameters: {
        step: 'complete',
        'journeyId.$': '$.request.journeyId',
        'run.$': '$.request.run',
        'tallies.$': '$.tallies',
      },
      End: true,
    });
  });

  it('names both state machines for the operator, logs without execution data and traces', () => {
    for (const name of ['audience-run', 'audience-run-start'])
      synthesized.statelessTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `cairn-${env}-${name}`,
        StateMachineType: 'STANDARD',
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        TracingConfiguration: { Enabled: true },
      });
  });

  it('lets the launcher invoke the runs function and start the run only; the run invoke it and its own children', () => {
    // Act
    const launcher = allowedTo(synthesized, resolver, 'AudienceRunsLauncherStateMachineRole').filter(
      (s) => !/^(logs|xray):/.test(s),
    );
    const run = allowedTo(synthesized, resolver, 'AudienceRunsRunStateMachineRole').filter(
      (s) => !/^(logs|xray):/.test(s),
    );

    // Assess
    expect(launcher).toEqual([
      'lambda:InvokeFunction AudienceRunsRunsFunction.Arn',
      'lambda:InvokeFunction AudienceRunsRunsFunction.Arn:*',
      'states:StartExecution AudienceRunsRunStateMachine',
    ]);
    const execution = `arn:AWS::Partition:states:${resolver.region}:${resolver.account}:execution:`;
    expect(run.map((s) => s.replace(/execution:.*?(:\*|\/\*:\*)$/, 'execution:<machine>$1'))).toEqual([
      'lambda:InvokeFunction AudienceRunsRunsFunction.Arn',
      'lambda:InvokeFunction AudienceRunsRunsFunction.Arn:*',
      `states:DescribeExecution ${execution}<machine>:*`,
      `states:RedriveExecution ${execution}<machine>/*:*`,
      'states:StartExecution AudienceRunsRunStateMachine',
      `states:StopExecution ${execution}<machine>:*`,
    ]);
  });

  it('lets the runs function read and write the table (through its key), put entries on the ingest queue, nothing else', () => {
    // Act
    const statements = allowedTo(synthesized, resolver, 'AudienceRunsRunsFunctionRole');

    // Assess
    expect(statements.filter((s) => !s.startsWith('kms:'))).toEqual(
      [
        ...['DescribeTable', 'GetItem', 'PutItem', 'Query', 'Scan'].map((a) => `dynamodb:${a} Table.Arn`),
        'logs:CreateLogStream AudienceRunsRunsFunctionLogs.Arn',
        'logs:PutLogEvents AudienceRunsRunsFunctionLogs.Arn',
        'sqs:SendMessage IngestQueue.Arn',
      ].sort(),
    );
    expect(statements.filter((s) => s.startsWith('kms:')).every((s) => s.endsWith(' TableKey.Arn'))).toBe(
      true,
    );
  });

  it("sets the runs function's environment to exactly what its wiring reads, valid for the wiring's own schema", () => {
    // Prepare
    const [[, fn] = ['', {}]] = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Function').filter(
      ([id]) => withoutHash(id) === 'AudienceRunsRunsFunction',
    );
    const variables = z
      .object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) })
      .parse(fn).Environment.Variables;

    // Act
    const deployed = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, resolver.deployedValue(value)]),
    );

    // Assess
    expect(RunsEnvironment.safeParse(deployed).error?.issues ?? []).toEqual([]);
    expect(
      Object.keys(deployed)
        .filter((name) => name.startsWith('CAIRN_'))
        .sort(),
    ).toEqual(
      [
        'CAIRN_CONFIG_DIR',
        'CAIRN_DEFAULT_TIMEZONE',
        'CAIRN_INGEST_QUEUE_URL',
        'CAIRN_TABLE_NAME',
        ...(synthesized.config.policyEnvironment ? ['CAIRN_ENVIRONMENT'] : []),
      ].sort(),
    );
    expect(deployed.POWERTOOLS_SERVICE_NAME).toBe('runs');
  });
});

describe('the Scheduler expression of a schedule', () => {
  const expression = (trigger: unknown) =>
    schedulerExpression(compileSchedule(ScheduleTrigger.parse(trigger)));

  it.each([
    [{ at: '2026-12-24T10:00', timezone: 'Europe/London' }, 'at(2026-12-24T10:00:00)', 'Europe/London'],
    [{ cron: '30 8 * * MON-FRI', timezone: 'America/New_York' }, 'cron(30 8 ? * 2-6 *)', 'America/New_York'],
    [{ cron: '0 9 1,15 * *' }, 'cron(0 9 1,15 * ? *)', 'Pacific/Kiritimati'],
    // Both days restricted: either matches in Cairn, one only in AWS; the daily superset, filtered by `begin`.
    [{ cron: '0 9 1 * MON', timezone: 'UTC' }, 'cron(0 9 * * ? *)', 'UTC'],
    [{ cron: '*/15 6-9,18 * JAN,JUL SUN', timezone: 'UTC' }, 'cron(0,15,30,45 6-9,18 ? 1,7 1 *)', 'UTC'],
    [{ rate: 'P1W', start: '2026-12-02T09:00', timezone: 'UTC' }, 'cron(0 9 ? * 4 *)', 'UTC'],
    [{ rate: 'P3D', start: '2026-12-02T09:00', timezone: 'UTC' }, 'cron(0 9 * * ? *)', 'UTC'],
    [{ rate: 'PT6H', start: '2026-12-02T09:20', timezone: 'UTC' }, 'cron(20 * * * ? *)', 'UTC'],
    [{ rate: 'PT45M', start: '2026-12-02T09:20', timezone: 'UTC' }, 'cron(5/15 * * * ? *)', 'UTC'],
  ])('%j is %s in %s', (trigger, cron, zone) => {
    expect(expression(trigger)).toEqual({ expression: cron, timeZone: zone });
  });

  it('names a schedule after its journey, within the 64 characters Scheduler allows', () => {
    // Act
    const long = runScheduleName('cairn-staging', `a${'-very-long-journey-name'.repeat(4)}`);

    // Assess
    expect(runScheduleName('cairn-prod', 'weekly-newsletter')).toBe('cairn-prod-run-weekly-newsletter');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^cairn-staging-run-a-very-long-journey-name-very-[0-9a-f]{16}$/);
  });
});
