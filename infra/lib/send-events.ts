import { CfnOutput } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * What an app needs to send customer events straight to the ingest queue rather than through the bus
 * (docs/events.md, "Sending straight to the ingest queue"): a managed policy allowing `sqs:SendMessage` on that
 * queue alone, to attach to the app's role, and the queue's URL. Sent 10 to a `SendMessageBatch`, an event costs
 * 0.1 SQS request where the bus costs one EventBridge event and one SQS request (docs/deploy.md, "Monthly
 * cost estimate"); it skips the bus's archive and its rule's source filter.
 */
export function sendEventsAccess(scope: Construct, prefix: string, ingestQueue: IQueue): ManagedPolicy {
  const policy = new ManagedPolicy(scope, 'SendEventsPolicy', {
    managedPolicyName: `${prefix}-send-events`,
    description: 'Send customer events straight to the Cairn ingest queue (docs/events.md)',
    statements: [new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [ingestQueue.queueArn] })],
  });
  new CfnOutput(scope, 'IngestQueueUrl', { value: ingestQueue.queueUrl });
  new CfnOutput(scope, 'SendEventsPolicyArn', { value: policy.managedPolicyArn });
  return policy;
}
