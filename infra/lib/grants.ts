import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import { Channel } from '../../functions/core/journeys/schema-parts.ts';
import type { EnvironmentConfig } from '../config.ts';
import type { CairnVariable, RuntimeGrant } from './cairn-function.ts';
import { type ArnIn, CHANNEL_DEPLOYMENTS, type ChannelSettings } from './channels.ts';

/** The DynamoDB requests the adapters in functions/adapters/dynamodb/ make. */
export type TableAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'BatchGetItem'
  | 'Scan'
  | 'DescribeTable';

/**
 * What DynamoDB calls on the caller's behalf on a table encrypted with a customer managed key: the families
 * CDK's `grantWriteData` grants (`kms:ReEncrypt*`, `kms:GenerateDataKey*`), spelled out without wildcards.
 */
export const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * The table, for these requests only, and its key, only through DynamoDB; `queriedIndexes` are the secondary
 * indexes the function queries (a Query on an index is authorised on the index's ARN, not the table's).
 */
export function tableGrant(
  table: ITable,
  key: IKey,
  actions: readonly TableAction[],
  queriedIndexes: readonly string[] = [],
): RuntimeGrant {
  const stack = Stack.of(table);
  const indexStatements = queriedIndexes.length
    ? [
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: queriedIndexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      ]
    : [];
  return {
    variables: { CAIRN_TABLE_NAME: table.tableName },
    statements: [
      new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
      ...indexStatements,
      new PolicyStatement({
        actions: TABLE_KEY_ACTIONS,
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
      }),
    ],
  };
}

type QueueVariable = Extract<
  CairnVariable,
  'CAIRN_INGEST_QUEUE_URL' | 'CAIRN_SEND_QUEUE_URL' | 'CAIRN_DEAD_LETTER_QUEUE_URL' | 'CAIRN_CALLS_QUEUE_URL'
>;

/** Sending to a queue (SendMessageBatch is authorised by sqs:SendMessage too). */
export function queueGrant(variable: QueueVariable, queue: IQueue): RuntimeGrant {
  return {
    variables: { [variable]: queue.queueUrl },
    statements: [new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] })],
  };
}

/** Putting outcome records on the outcome log's Firehose stream (docs/outcomes.md), that stream only. */
export function outcomeStreamGrant(stream: CfnDeliveryStream): RuntimeGrant {
  return {
    variables: { CAIRN_OUTCOME_STREAM: stream.ref },
    statements: [new PolicyStatement({ actions: ['firehose:PutRecordBatch'], resources: [stream.attrArn] })],
  };
}

/** Reading the unsubscribe signing keys; the secret's ARN is its id. */
export function unsubscribeSecretGrant(secret: ISecret): RuntimeGrant {
  return {
    variables: { CAIRN_UNSUBSCRIBE_SECRET_ID: secret.secretArn },
    statements: [
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    ],
  };
}

type Place = { account: string; region: string };

/**
 * What the calls function may reach, read from the journeys that ship: GetSecretValue on exactly the secrets
 * their call headers name (by name: Secrets Manager appends six characters to a secret's ARN), and
 * InvokeFunction on exactly the Lambda functions their call steps name. No call step, no statement.
 */
export function callTargetGrants(journeys: readonly Journey[], place: Place): RuntimeGrant[] {
  const arn = arnIn(place);
  const secrets = new Set<string>();
  const functions = new Set<string>();
  for (const journey of journeys)
    for (const step of journey.steps) {
      if (step.type !== 'call') continue;
      if ('http' in step)
        for (const value of Object.values(step.http.headers ?? {}))
          if (typeof value !== 'string') secrets.add(value.secret);
      if ('lambda' in step) functions.add(step.lambda.function);
    }
  const statements: PolicyStatement[] = [];
  if (secrets.size > 0)
    statements.push(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [...secrets].sort().map((name) => arn('secretsmanager', `secret:${name}-??????`)),
      }),
    );
  if (functions.size > 0)
    statements.push(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...functions]
          .sort()
          .map((fn) => (fn.startsWith('arn:') ? fn : arn('lambda', `function:${fn}`))),
      }),
    );
  return statements.length > 0 ? [{ variables: {}, statements }] : [];
}

/**
 * The channels configured for the environment, each with the one send action its adapter calls, scoped to the
 * resources IAM checks for that action, and the variables its adapter reads (CHANNEL_DEPLOYMENTS in
 * channels.ts; docs/deploy.md, "Permissions"). A channel not configured gets neither its variables nor its
 * permission, and its sends fail with `channel-not-configured`.
 */
export function channelGrants(channels: EnvironmentConfig['channels'], place: Place): RuntimeGrant[] {
  return Channel.options.flatMap((channel) => channelGrant(channel, channels[channel], arnIn(place)));
}

function channelGrant<C extends Channel>(
  channel: C,
  settings: ChannelSettings<C> | undefined,
  arn: ArnIn,
): RuntimeGrant[] {
  if (settings === undefined) return [];
  const deployment = CHANNEL_DEPLOYMENTS[channel];
  return [
    {
      variables: deployment.variables(settings),
      statements: [
        new PolicyStatement({
          actions: [...deployment.actions],
          resources: deployment.resources(settings, arn),
        }),
      ],
    },
  ];
}

/** ARNs in the environment's account and Region, in the Region's partition. */
export function arnIn(place: Place): ArnIn {
  return (service, resource) =>
    `arn:${partitionOf(place.region)}:${service}:${place.region}:${place.account}:${resource}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.includes('-gov-')) return 'aws-us-gov';
  return 'aws';
}
