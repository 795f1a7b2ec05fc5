import { CfnElement, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  type IChainable,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct, IConstruct } from 'constructs';
import type { CairnFunction } from './cairn-function.ts';

export type LoggedStateMachineProps = {
  /**
   * `cairn-<env>` and what it does (`segment-scan`): the state machine is `<prefix>-<name>`, a known name the CLI
   * and the schedules find without a lookup, and its log group `/<prefix>/<name>`.
   */
  named: { prefix: string; name: string };
  logs: { logRetention: RetentionDays; logRemovalPolicy: RemovalPolicy };
  definition: IChainable;
  /** The functions its tasks invoke (LambdaInvoke). */
  invokes: readonly CairnFunction[];
  /** Whether it runs a Distributed Map, whose batches are child executions of its own runs. */
  distributedMap: boolean;
};

/**
 * A standard state machine as Cairn runs them (the segment scan, the audience runs), made in `scope` as
 * `StateMachine` with its log group `Logs` (ids of the scope's own, so that the resources keep their logical
 * ids): a known name, every event logged without execution data (which holds customer ids), X-Ray tracing, and
 * cdk-nag's wildcard findings on its role acknowledged each with its bound: the versions of the functions it
 * invokes, the log delivery and tracing actions (which take no resource), and the child executions of its own
 * Distributed Map. `acknowledge` adds one more, for a wildcard of the caller's.
 */
export function loggedStateMachine(
  scope: Construct,
  props: LoggedStateMachineProps,
): { stateMachine: StateMachine; acknowledge: (resource: string, reason: string) => void } {
  const { prefix, name } = props.named;
  const logs = new LogGroup(scope, 'Logs', {
    logGroupName: `/${prefix}/${name}`,
    retention: props.logs.logRetention,
    removalPolicy: props.logs.logRemovalPolicy,
  });
  const stateMachine = new StateMachine(scope, 'StateMachine', {
    stateMachineName: `${prefix}-${name}`,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromChainable(props.definition),
    logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    tracingEnabled: true,
  });
  const acknowledge = (resource: string, reason: string) =>
    Validations.of(stateMachine).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
      reason,
    });
  const stack = Stack.of(scope);
  for (const fn of props.invokes)
    acknowledge(
      `<${logicalIdOf(stack, fn.function.node.defaultChild)}.Arn>:*`,
      `LambdaInvoke grants with Lambda's grantInvoke, which also names the function's versions and aliases (<arn>:*); they are versions of the ${fn.name} function only, and the state machine invokes the unqualified function.`,
    );
  acknowledge(
    '*',
    'Step Functions logging to CloudWatch Logs (logs:CreateLogDelivery and the other log-delivery actions) and X-Ray tracing (xray:PutTraceSegments...) take no resource-level permissions: AWS documents them on * only.',
  );
  if (props.distributedMap) {
    const machine = logicalIdOf(stack, stateMachine.node.defaultChild);
    const execution = `arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    for (const child of [`${execution}:*`, `${execution}/*:*`])
      acknowledge(
        child,
        "A Distributed Map runs its batches as child executions of its own run: these are the executions of this state machine only, which it describes and stops (the map's own policy, written by CDK).",
      );
  }
  return { stateMachine, acknowledge };
}

/** The logical id of a construct's CloudFormation resource, as cdk-nag names it in a finding. */
export function logicalIdOf(stack: Stack, element: IConstruct | undefined): string {
  if (!(element instanceof CfnElement)) throw new Error('no CloudFormation resource');
  return stack.getLogicalId(element);
}
