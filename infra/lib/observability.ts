import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Channel } from '../../functions/core/journeys/schema-parts.ts';
import { OTHER_JOURNEYS } from '../../functions/core/outcomes/journey-counts.ts';
import type { CairnFunction, FunctionName } from './cairn-function.ts';

/** The functions whose use cases observe outcomes, and so write the outcome log (docs/outcomes.md). */
export const OUTCOME_WRITERS = [
  'ingest',
  'timers',
  'deliver',
  'calls',
] as const satisfies readonly FunctionName[];

/** A timer firing later than this after its due time pages someone (issue 8). */
export const TIMER_LAG_ALARM_MS = 5 * 60_000;

/**
 * SES reviews an account from a 5% bounce rate and a 0.1% complaint rate (and may pause sending at 10% and
 * 0.5%); the alarms fire a little before the review thresholds, while there is time to act.
 */
export const SES_BOUNCE_RATE_ALARM = 0.04;
export const SES_COMPLAINT_RATE_ALARM = 0.0008;

export type ObservabilityProps = {
  prefix: string;
  /** The environment's namespace of the runtime's metrics (`Cairn/dev`). */
  namespace: string;
  functions: Record<FunctionName, CairnFunction>;
  /** Work queues, by what they carry. */
  queues: Record<string, Queue>;
  /** Dead-letter queues, by what they collect. */
  deadLetters: Record<string, Queue>;
  alarmTopic: ITopic;
  /** Whether email is configured: its reputation alarms only mean something then. */
  email: boolean;
  /** The journeys counted under their own `JourneyId` (journeysWithMetrics): one dashboard row each. */
  journeys: readonly string[];
};

/**
 * The dashboard of one environment and its alarms, every alarm notifying the alarm topic (and so the alarm
 * e-mail). Metric names are the runtime's (docs/runtime.md, "Metrics"), namespace and `service` dimension
 * included.
 */
export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { prefix, functions, queues, deadLetters } = props;
    const action = new SnsAction(props.alarmTopic);
    const alarm = (alarmId: string, alarmProps: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const [what, queue] of Object.entries(deadLetters)) {
      alarm(`DeadLetters-${what}`, {
        alarmName: `${prefix}-${what}-dead-letters`,
        alarmDescription: `Messages are waiting in ${queue.node.id}: inspect them, fix the cause, redrive (docs/deploy.md)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    for (const [name, fn] of Object.entries(functions)) {
      alarm(`Errors-${name}`, {
        alarmName: `${prefix}-${name}-errors`,
        alarmDescription: `The ${name} function failed (a whole invocation, not a record reported for retry)`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm(`Throttles-${name}`, {
        alarmName: `${prefix}-${name}-throttles`,
        alarmDescription: `Lambda throttled the ${name} function: the account's concurrency is used up`,
        metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('TimerLag', {
      alarmName: `${prefix}-timer-lag`,
      alarmDescription:
        'A timer fired more than 5 minutes after its due time: the sweeper is failing or behind',
      metric: cairnMetric(props.namespace, 'TimerLagMaxMs', 'timers', 'Maximum', Duration.minutes(5)),
      threshold: TIMER_LAG_ALARM_MS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // The metric is published only when a sweep fires timers; no timers due is not lag.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('TimersNotRunning', {
      alarmName: `${prefix}-timers-not-running`,
      alarmDescription: 'The timer sweep has not run for 5 minutes: no timer fires until it does',
      metric: functions.timers.function.metricInvocations({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    alarm('OutcomeLogFailures', {
      alarmName: `${prefix}-outcome-log-failures`,
      alarmDescription:
        'Firehose refused outcome records after the retries: they wait in the function instances for the next flush (docs/outcomes.md)',
      // Alarms take no SEARCH: the functions that write the log, named.
      metric: new MathExpression({
        expression: `SUM([${OUTCOME_WRITERS.join(',')}])`,
        usingMetrics: Object.fromEntries(
          OUTCOME_WRITERS.map((fn) => [
            fn,
            cairnMetric(props.namespace, 'OutcomeLogFailures', fn, 'Sum', Duration.minutes(5)),
          ]),
        ),
        label: 'OutcomeLogFailures',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.email) {
      alarm('SesBounceRate', {
        alarmName: `${prefix}-ses-bounce-rate`,
        alarmDescription: 'The account bounce rate nears the 5% at which SES reviews the account',
        metric: sesMetric('Reputation.BounceRate'),
        threshold: SES_BOUNCE_RATE_ALARM,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm('SesComplaintRate', {
        alarmName: `${prefix}-ses-complaint-rate`,
        alarmDescription: 'The account complaint rate nears the 0.1% at which SES reviews the account',
        metric: sesMetric('Reputation.ComplaintRate'),
        threshold: SES_COMPLAINT_RATE_ALARM,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(3),
    });
    const sum = (metricName: string, service: FunctionName) =>
      cairnMetric(props.namespace, metricName, service, 'Sum', Duration.minutes(1));
    const everyService = (metricName: string) =>
      new MathExpression({
        expression: `SEARCH('{${props.namespace},service} MetricName="${metricName}"', 'Sum', 60)`,
        label: '',
        period: Duration.minutes(1),
      });
    this.dashboard.addWidgets(
      graph('Customer events in', [
        sum('EventsIn', 'ingest'),
        sum('InvalidEvents', 'ingest'),
        sum('DuplicateEvents', 'ingest'),
      ]),
      // Every function that applies an input to a customer counts these (ingest, timers, deliver), so they are
      // searched by name, one line per function, rather than named for one function.
      graph('Enrollments and send intents, by function', [
        everyService('Enrollments'),
        everyService('SendIntents'),
      ]),
      graph('Send outcomes by channel, status and reason', [
        new MathExpression({
          expression: `SEARCH('{${props.namespace},channel,reason,service,status} MetricName="SendOutcomes"', 'Sum', 300)`,
          label: '',
          period: Duration.minutes(5),
        }),
      ]),
      graph('Sends put back on the queue (held, or waiting for a claim)', [sum('SendsRequeued', 'deliver')]),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Timer lag (latest timer of a sweep, ms)',
        left: [cairnMetric(props.namespace, 'TimerLagMaxMs', 'timers', 'Maximum', Duration.minutes(1))],
        leftAnnotations: [{ value: TIMER_LAG_ALARM_MS, label: 'alarm' }],
        width: 8,
      }),
      graph('Timers fired and failed', [sum('TimersFired', 'timers'), sum('TimersFailed', 'timers')], 8),
      graph(
        'Dead letters written by the runtime, by kind',
        [
          new MathExpression({
            expression: `SEARCH('{${props.namespace},kind,service} MetricName="DeadLetters"', 'Sum', 300)`,
            label: '',
            period: Duration.minutes(5),
          }),
        ],
        8,
      ),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depth (visible messages) and age of the oldest (s)',
        left: Object.values(queues).map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
        ),
        right: Object.values(queues).map((q) =>
          q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }),
        ),
        width: 12,
      }),
      graph(
        'Dead-letter queue depth',
        Object.values(deadLetters).map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
        ),
        12,
      ),
    );
    const fns = Object.values(functions);
    this.dashboard.addWidgets(
      graph(
        'Function errors and throttles',
        fns.flatMap((fn) => [
          fn.function.metricErrors({ label: `${fn.name} errors` }),
          fn.function.metricThrottles({ label: `${fn.name} throttles` }),
        ]),
        8,
      ),
      graph(
        'Duration p99 (ms)',
        fns.map((fn) => fn.function.metricDuration({ statistic: 'p99', label: fn.name })),
        8,
      ),
      graph(
        'Concurrent executions',
        fns.map((fn) => fn.function.metric('ConcurrentExecutions', { statistic: 'Maximum', label: fn.name })),
        8,
      ),
    );
    if (props.email) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'SES reputation (account)',
          left: [sesMetric('Reputation.BounceRate'), sesMetric('Reputation.ComplaintRate')],
          leftAnnotations: [
            { value: SES_BOUNCE_RATE_ALARM, label: 'bounce alarm' },
            { value: SES_COMPLAINT_RATE_ALARM, label: 'complaint alarm' },
          ],
          width: 12,
        }),
      );
    }
    for (const journeyId of [...props.journeys, OTHER_JOURNEYS])
      this.dashboard.addWidgets(...journeyRow(props.namespace, journeyId));
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }
}

/** A metric the runtime publishes with Powertools: the environment's namespace, dimension `service` (the function). */
function cairnMetric(
  namespace: string,
  metricName: string,
  service: FunctionName,
  statistic: string,
  period: Duration,
): Metric {
  return new Metric({
    namespace,
    metricName,
    dimensionsMap: { service },
    statistic,
    period,
    label: metricName,
  });
}

/**
 * One journey's row: enrollments, messages sent by channel, goals reached (the functions publish them with the
 * `JourneyId` dimension and no `service`, once per invocation; functions/handlers/shared/outcomes.ts).
 */
function journeyRow(namespace: string, journeyId: string): GraphWidget[] {
  const title = journeyId === OTHER_JOURNEYS ? 'other journeys' : journeyId;
  const metric = (metricName: string, label: string, dimensions: Record<string, string> = {}) =>
    new Metric({
      namespace,
      metricName,
      dimensionsMap: { JourneyId: journeyId, ...dimensions },
      statistic: 'Sum',
      period: Duration.minutes(5),
      label,
    });
  return [
    graph(`${title}: enrollments`, [metric('JourneyEnrollments', 'enrollments')], 8),
    graph(
      `${title}: messages sent, by channel`,
      Channel.options.map((channel) => metric('JourneySends', channel, { channel })),
      8,
    ),
    graph(`${title}: goals reached`, [metric('JourneyGoals', 'goals reached')], 8),
  ];
}

function sesMetric(metricName: string): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
}

function graph(title: string, left: IMetric[], width = 6): GraphWidget {
  return new GraphWidget({ title, left, width });
}
