import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ADDRESS_INDEXES } from '../../../functions/adapters/dynamodb/table.ts';
import { FeedbackEnvironment } from '../../../functions/handlers/feedback/wiring.ts';
import { ChannelEnvironment, RuntimeEnvironment } from '../../../functions/handlers/shared/environment.ts';
import { UnsubscribeEnvironment } from '../../../functions/handlers/unsubscribe/wiring.ts';
import type { FunctionName } from '../../../infra/lib/cairn-function.ts';
import { TABLE_KEY_ACTIONS } from '../../../infra/lib/grants.ts';
import {
  PolicyProperties,
  Resolver,
  removeOutput,
  resourcesOf,
  type Synthesized,
  synthesize,
  withoutHash,
} from '../support.ts';

const FUNCTIONS: FunctionName[] = ['ingest', 'timers', 'deliver', 'feedback', 'unsubscribe', 'calls'];
const titled = (fn: FunctionName) => `${fn.charAt(0).toUpperCase()}${fn.slice(1)}`;

/** What each function's code reads from its environment: the schemas its wiring parses it with. */
const ENVIRONMENTS: Record<FunctionName, z.ZodObject> = {
  ingest: RuntimeEnvironment.unwrap(),
  timers: RuntimeEnvironment.unwrap(),
  deliver: RuntimeEnvironment.unwrap().extend(ChannelEnvironment.unwrap().shape),
  feedback: FeedbackEnvironment.unwrap(),
  unsubscribe: UnsubscribeEnvironment.unwrap(),
  calls: RuntimeEnvironment.unwrap(),
};

const FunctionProperties = z.object({
  Role: z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
});

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const logs = (fn: FunctionName) =>
  ['logs:CreateLogStream', 'logs:PutLogEvents'].map((a) => `${a} ${titled(fn)}FunctionLogs.Arn`);
const table = (...actions: string[]) => [
  ...actions.map((a) => `dynamodb:${a} Table.Arn`),
  ...TABLE_KEY_ACTIONS.map((a) => `${a} TableKey.Arn`),
];
const sendTo = (...queues: string[]) => queues.map((q) => `sqs:SendMessage ${q}.Arn`);
const consume = (queue: string) =>
  [
    'sqs:ReceiveMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueUrl',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  ].map((a) => `${a} ${queue}.Arn`);
const RUNTIME_QUEUES = sendTo('IngestQueue', 'SendQueue', 'RuntimeDeadLetters', 'CallsQueue');
const SECRET = ['secretsmanager:GetSecretValue UnsubscribeKeys'];
/** The outcome log's stream, for the functions whose use cases observe outcomes. */
const OUTCOMES = ['firehose:PutRecordBatch OutcomesStream.Arn'];

describe.each(['dev', 'staging', 'prod'])('the functions of the %s environment', (env) => {
  let synthesized: Synthesized;
  let resolver: Resolver;
  let roleOf: Map<FunctionName, string>;
  let variablesOf: Map<FunctionName, Record<string, unknown>>;
  beforeAll(async () => {
    synthesized = await synthesize(env);
    resolver = new Resolver(synthesized);
    // The profile import's, the segment scan's and the scheduled runs' functions have their own exact-IAM tests
    // (profile-import.test.ts, segment-scan.test.ts, audience-runs.test.ts).
    const functions = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Function')
      .filter(([id]) => !['ProfileImport', 'SegmentScan', 'AudienceRuns'].some((own) => id.startsWith(own)))
      .map(([id, p]) => {
        const name = FUNCTIONS.find((fn) => withoutHash(id) === `${titled(fn)}Function`);
        if (!name) throw new Error(`unexpected function ${id}`);
        return [name, FunctionProperties.parse(p)] as const;
      });
    roleOf = new Map(functions.map(([name, p]) => [name, p.Role['Fn::GetAtt'][0]]));
    variablesOf = new Map(functions.map(([name, p]) => [name, p.Environment.Variables]));
  }, 60_000);
  afterAll(() => removeOutput(synthesized));

  /** Every (action, resource) pair the function's role allows, resources named by what they point at. */
  function allowed(fn: FunctionName): string[] {
    const role = roleOf.get(fn);
    return resourcesOf(synthesized.statelessTemplate, 'AWS::IAM::Policy')
      .map(([, p]) => PolicyProperties.parse(p))
      .filter((p) => p.Roles.some((r) => r.Ref === role))
      .flatMap((p) => p.PolicyDocument.Statement)
      .flatMap((s) =>
        asList(s.Action).flatMap((a) => asList(s.Resource).map((r) => `${a} ${resolver.name(r)}`)),
      )
      .sort();
  }

  function channelPermissions(): string[] {
    const { channels, account, region } = synthesized.config;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
    return [
      ...(channels.email
        ? [
            `ses:SendEmail ${arn('ses', `identity/${channels.email.identity}`)}`,
            `ses:SendEmail ${arn('ses', `configuration-set/${channels.email.configurationSetName}`)}`,
          ]
        : []),
      ...(channels.sms
        ? [
            `sms-voice:SendTextMessage ${channels.sms.originationIdentityArn}`,
            `sms-voice:SendTextMessage ${arn('sms-voice', `configuration-set/${channels.sms.configurationSetName}`)}`,
          ]
        : []),
      ...(channels.push
        ? [
            `mobiletargeting:SendMessages ${arn('mobiletargeting', `apps/${channels.push.applicationId}`)}`,
            `mobiletargeting:SendMessages ${arn('mobiletargeting', `apps/${channels.push.applicationId}/messages`)}`,
          ]
        : []),
    ];
  }

  it('allows each function the actions its code calls, on its own resources, and nothing else', () => {
    // Prepare
    const indexes = Object.values(ADDRESS_INDEXES).map(
      (i) => `dynamodb:Query Table.Arn/index/${i.indexName}`,
    );
    const expected: Record<FunctionName, string[]> = {
      ingest: [
        ...logs('ingest'),
        ...table('BatchGetItem', 'GetItem', 'PutItem', 'DeleteItem', 'Query'),
        ...RUNTIME_QUEUES,
        ...OUTCOMES,
        ...consume('IngestQueue'),
      ],
      timers: [
        ...logs('timers'),
        ...table('GetItem', 'PutItem', 'DeleteItem', 'Query'),
        ...RUNTIME_QUEUES,
        ...OUTCOMES,
      ],
      deliver: [
        ...logs('deliver'),
        ...table('BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'),
        ...RUNTIME_QUEUES,
        ...SECRET,
        ...channelPermissions(),
        ...OUTCOMES,
        ...consume('SendQueue'),
      ],
      feedback: [
        ...logs('feedback'),
        ...table('PutItem', 'Query'),
        ...indexes,
        ...sendTo('IngestQueue'),
        ...consume('FeedbackQueue'),
      ],
      unsubscribe: [...logs('unsubscribe'), ...SECRET, ...sendTo('IngestQueue')],
      // The secret the sample wholesale-leads journey's call header names, by name; no call step names a function.
      calls: [
        ...logs('calls'),
        ...table('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'),
        ...RUNTIME_QUEUES,
        `secretsmanager:GetSecretValue arn:aws:secretsmanager:${synthesized.config.region}:${synthesized.config.account}:secret:crm-webhook-token-??????`,
        ...OUTCOMES,
        ...consume('CallsQueue'),
      ],
    };

    // Act
    const actual = Object.fromEntries(FUNCTIONS.map((fn) => [fn, allowed(fn)]));

    // Assess
    expect(actual).toEqual(Object.fromEntries(FUNCTIONS.map((fn) => [fn, [...expected[fn]].sort()])));
  });

  it('uses the table key only through DynamoDB, and gives the roles no managed or inline policy', () => {
    // Prepare
    const { region } = synthesized.config;
    const keyStatements = resourcesOf(synthesized.statelessTemplate, 'AWS::IAM::Policy')
      .flatMap(([, p]) => PolicyProperties.parse(p).PolicyDocument.Statement)
      .filter((s) => asList(s.Action).some((a) => a.startsWith('kms:')));

    // Assess: the five functions with table access (ingest, timers, deliver, feedback, calls), the segment scan's
    // worker and the runs function.
    expect(keyStatements).toHaveLength(7);
    for (const statement of keyStatements) {
      expect(statement.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', [`dynamodb.${region}.`, { Ref: 'AWS::URLSuffix' }]] },
        },
      });
    }
    for (const [, role] of resourcesOf(synthesized.statelessTemplate, 'AWS::IAM::Role')) {
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toBeUndefined();
    }
  });

  it('lets the scheduler invoke the timers function only, and the public invoke the unsubscribe URL only', () => {
    // Prepare
    const permissions = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Permission').map(
      ([, p]) => ({
        function: resolver.name(p.FunctionName),
        action: p.Action,
        principal: p.Principal,
        onlyThroughTheUrl: p.FunctionUrlAuthType === 'NONE' || p.InvokedViaFunctionUrl === true,
      }),
    );
    const sweepRole = resourcesOf(synthesized.statelessTemplate, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith('TimerSweepRole'),
    );

    // Assess
    const publicOnes = permissions.filter((p) => p.principal === '*');
    expect(publicOnes.length).toBeGreaterThan(0);
    for (const p of publicOnes)
      expect(p).toMatchObject({ function: 'UnsubscribeFunction.Arn', onlyThroughTheUrl: true });
    const sweepPolicy = resourcesOf(synthesized.statelessTemplate, 'AWS::IAM::Policy')
      .map(([, p]) => PolicyProperties.parse(p))
      .filter((p) => p.Roles.some((r) => r.Ref === sweepRole?.[0]))
      .flatMap((p) => p.PolicyDocument.Statement)
      .flatMap((s) => asList(s.Resource).map((r) => `${s.Action} ${resolver.name(r)}`));
    expect(sweepPolicy.sort()).toEqual([
      'lambda:InvokeFunction TimersFunction.Arn',
      'lambda:InvokeFunction TimersFunction.Arn:*',
    ]);
  });

  it.each(FUNCTIONS)(
    "sets %s's environment to exactly what its wiring reads, valid for the wiring's own schema",
    (fn) => {
      // Prepare
      const variables = variablesOf.get(fn) ?? {};
      const schema = ENVIRONMENTS[fn];

      // Act
      const deployed = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, resolver.deployedValue(v)]),
      );
      const parsed = schema.safeParse(deployed);

      // Assess
      expect(parsed.error?.issues ?? []).toEqual([]);
      const cairn = Object.keys(deployed).filter((k) => k.startsWith('CAIRN_'));
      expect(cairn.filter((k) => !(k in schema.shape))).toEqual([]);
      const others = Object.keys(deployed).filter((k) => !k.startsWith('CAIRN_'));
      // No NODE_OPTIONS: --enable-source-maps would parse every source map at the cold start.
      expect(others.sort()).toEqual(['POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
      expect(deployed.POWERTOOLS_SERVICE_NAME).toBe(fn);
      // One namespace per environment: two environments in one account never add up.
      expect(deployed.POWERTOOLS_METRICS_NAMESPACE).toBe(`Cairn/${synthesized.env}`);
    },
  );

  it('points each variable at its resource, and sets channel settings only for configured channels', () => {
    // Prepare
    const { channels, policyEnvironment } = synthesized.config;
    const pointers = Object.fromEntries(
      FUNCTIONS.map((fn) => [
        fn,
        Object.fromEntries(Object.entries(variablesOf.get(fn) ?? {}).map(([k, v]) => [k, resolver.name(v)])),
      ]),
    );

    // Assess
    expect(pointers.deliver).toMatchObject({
      CAIRN_TABLE_NAME: 'Table',
      CAIRN_INGEST_QUEUE_URL: 'IngestQueue',
      CAIRN_SEND_QUEUE_URL: 'SendQueue',
      CAIRN_DEAD_LETTER_QUEUE_URL: 'RuntimeDeadLetters',
      CAIRN_UNSUBSCRIBE_SECRET_ID: 'UnsubscribeKeys',
      CAIRN_UNSUBSCRIBE_URL: 'UnsubscribeFunctionFunctionUrl.FunctionUrl',
      CAIRN_CONFIG_DIR: '/var/task/journeys',
    });
    expect(pointers.deliver?.CAIRN_ENVIRONMENT).toBe(policyEnvironment);
    expect('CAIRN_EMAIL_FROM' in (pointers.deliver ?? {})).toBe(channels.email !== undefined);
    expect('CAIRN_SMS_ORIGINATION_IDENTITY' in (pointers.deliver ?? {})).toBe(channels.sms !== undefined);
    expect('CAIRN_PUSH_APPLICATION_ID' in (pointers.deliver ?? {})).toBe(channels.push !== undefined);
    for (const fn of ['feedback', 'unsubscribe'] as const)
      expect(pointers[fn]?.CAIRN_CONFIG_DIR).toBeUndefined();
    // The functions whose use cases observe outcomes write the outcome log; feedback and unsubscribe do not.
    for (const fn of ['ingest', 'timers', 'deliver', 'calls'] as const)
      expect(pointers[fn]).toMatchObject({
        CAIRN_OUTCOME_STREAM: 'OutcomesStream',
        CAIRN_JOURNEY_METRICS: String(synthesized.config.journeyMetrics),
      });
    for (const fn of ['feedback', 'unsubscribe'] as const)
      expect(pointers[fn]?.CAIRN_OUTCOME_STREAM).toBeUndefined();
  });
});
