import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import type { Channel } from '../functions/core/journeys/schema-parts.ts';
import { DEFAULT_JOURNEY_METRICS_LIMIT } from '../functions/core/outcomes/journey-counts.ts';

/**
 * The deployments of Cairn, one per environment, each in the account and Region it names. `cdk synth -c env=dev`
 * picks one; docs/deploy.md explains every value and how to set the real account ids.
 */
export const Env = z.enum(['dev', 'staging', 'prod']);
export type Env = z.infer<typeof Env>;

const AccountId = z.string().regex(/^\d{12}$/, 'expected an AWS account id: 12 digits');
const Region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS Region such as eu-west-1');

const TimeZone = z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Paris');

/** EventBridge keeps `aws.*` for AWS services, and Cairn's own events (`cairn.*`) never come through the bus. */
const EventSource = z
  .string()
  .min(1)
  .refine((s) => !/^(aws|cairn)\./.test(s), 'sources starting with "aws." or "cairn." are reserved');

const SesName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", at most 64');

const EmailChannel = z.strictObject({
  /** The verified SES identity (a domain or an address) the messages are sent from; IAM is scoped to it. */
  identity: z.string().min(1),
  /** The From header, an address of `identity`, e.g. `Shop <news@example.com>`. */
  from: z.string().min(1),
  replyTo: z.string().min(1).optional(),
  /** The configuration set the stateful stack creates, publishing sending events to EventBridge. */
  configurationSetName: SesName,
});

const SmsChannel = z.strictObject({
  /**
   * An ARN, not an id: IAM's SendTextMessage is scoped to the phone number, pool or sender id itself, and the
   * runtime accepts an ARN as the origination identity.
   */
  originationIdentityArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool|sender-id)\/.+$/,
      'expected the ARN of an End User Messaging phone number, pool or sender id',
    ),
  /** An existing End User Messaging configuration set (docs/channels.md). */
  configurationSetName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", at most 64'),
  maxSegments: z.number().int().positive().optional(),
});

const PushChannel = z.strictObject({
  /** The Pinpoint application (project) id whose APNs and FCM channels carry push. */
  applicationId: z.string().regex(/^[0-9a-f]{32}$/, 'expected a Pinpoint application id: 32 hex digits'),
});

const Retention = z.strictObject({
  /** How long the functions' logs are kept. */
  logs: z.enum(RetentionDays),
  /** How long the customer-events archive keeps events for replay. */
  eventArchiveDays: z.number().int().min(1),
  /** How long a dead-letter queue keeps a message (SQS allows up to 14 days). */
  deadLetterDays: z.number().int().min(1).max(14),
  /** How long imported profile files and their runs' results stay in the import bucket; default 7 days. */
  importDays: z.number().int().min(1).optional(),
  /** How long outcome records stay in the outcome bucket (infra/lib/outcome-log.ts); default 400 days. */
  outcomeDays: z.number().int().min(1).optional(),
  /**
   * Deletion protection and RETAIN on the data (table, key, archive, dead letters, secret). Without it a
   * `cdk destroy` removes them, which suits a dev environment only.
   */
  retainData: z.boolean(),
});

/** `maxConcurrency` of each queue's event source mapping (Lambda allows 2 to 1,000). */
const Concurrency = z.strictObject({
  ingest: z.number().int().min(2).max(1000),
  /** The send rate's ceiling: see docs/deploy.md, "Sending rate". */
  deliver: z.number().int().min(2).max(1000),
  feedback: z.number().int().min(2).max(1000),
  /** How many calls of call steps run at once, to every target together (docs/runtime.md, `calls`). */
  calls: z.number().int().min(2).max(1000).default(2),
});

/** Capacity units per second that auto scaling keeps provisioned: never fewer than `min`, never more than `max`. */
const UnitsRange = z
  .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1).max(40_000) })
  .refine((range) => range.min <= range.max, 'min must be at most max');

/**
 * The runtime table's capacity mode (docs/deploy.md, "DynamoDB capacity mode"). `on-demand`, the default: billed
 * per request, no capacity to plan, any burst served. `provisioned`: billed per unit-hour of capacity, which
 * auto scaling moves between `min` and `max` to keep `targetUtilizationPercent` of it in use; about 2.4 times
 * cheaper per unit at 70% in use, for steady traffic, and throttled while a burst outruns the scaling.
 */
export const TableCapacity = z
  .union([
    z.literal('on-demand'),
    z.strictObject({
      provisioned: z.strictObject({
        reads: UnitsRange,
        writes: UnitsRange,
        /**
         * Each address index (`by-email`, `by-phone`): written only when a customer's email or phone is set or
         * changed, read only to suppress an address. An index short of write capacity throttles the table's
         * writes too, so its `max` should allow a profile import's pace.
         */
        indexes: z.strictObject({ reads: UnitsRange, writes: UnitsRange }),
        targetUtilizationPercent: z.number().int().min(20).max(90).default(70),
      }),
    }),
  ])
  .default('on-demand');
export type TableCapacity = z.infer<typeof TableCapacity>;

export const EnvironmentConfig = z.strictObject({
  account: AccountId,
  region: Region,
  /** The `source` values the customer-events bus hands to Cairn (docs/events.md). */
  eventSources: z.array(EventSource).min(1),
  /** Where the alarms go (an SNS e-mail subscription, confirmed once from the inbox). */
  alarmEmail: z.email(),
  /** The `environments:` entry of policies.yaml and lifecycle.yaml this deployment applies, if any. */
  policyEnvironment: z.string().min(1).optional(),
  /** The time zone of customers whose own is unknown. */
  defaultTimezone: TimeZone,
  /**
   * The channels this environment sends on, by the journey language's channel names; a channel left out has no
   * adapter and no permission. What each one takes to deploy is in CHANNEL_DEPLOYMENTS (lib/channels.ts).
   */
  channels: z.strictObject({
    email: EmailChannel.optional(),
    sms: SmsChannel.optional(),
    push: PushChannel.optional(),
  } satisfies Record<Channel, z.ZodOptional>),
  retention: Retention,
  concurrency: Concurrency,
  /**
   * How many active journeys get metrics and a dashboard row of their own (`JourneyId`); the rest are counted as
   * `other`. Each one costs about five custom metrics (docs/outcomes.md, "Per-journey metrics"); default 20.
   */
  journeyMetrics: z.number().int().min(0).max(100).default(DEFAULT_JOURNEY_METRICS_LIMIT),
  /** The runtime table's capacity mode; on demand when not given. */
  tableCapacity: TableCapacity,
});
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;

/**
 * The sample deployments. The account ids are placeholders: put yours here, or pass them at synth time with
 * `-c account=...` (docs/deploy.md). Nothing is looked up in AWS, so synth works offline.
 */
export const environments: Record<Env, z.input<typeof EnvironmentConfig>> = {
  dev: {
    account: '111111111111',
    region: 'eu-west-1',
    eventSources: ['com.example.shop'],
    alarmEmail: 'ops@example.com',
    defaultTimezone: 'UTC',
    channels: {
      email: {
        identity: 'example.com',
        from: 'Shop (dev) <news@example.com>',
        configurationSetName: 'cairn-dev',
      },
    },
    retention: {
      logs: RetentionDays.TWO_WEEKS,
      eventArchiveDays: 7,
      deadLetterDays: 14,
      retainData: false,
    },
    concurrency: { ingest: 2, deliver: 2, feedback: 2 },
  },
  staging: {
    account: '222222222222',
    region: 'eu-west-1',
    eventSources: ['com.example.shop'],
    alarmEmail: 'ops@example.com',
    policyEnvironment: 'eu',
    defaultTimezone: 'Europe/Paris',
    channels: {
      email: {
        identity: 'example.com',
        from: 'Shop (staging) <news@example.com>',
        configurationSetName: 'cairn-staging',
      },
      sms: {
        originationIdentityArn:
          'arn:aws:sms-voice:eu-west-1:222222222222:pool/pool-0123456789abcdef0123456789abcdef',
        configurationSetName: 'cairn-staging',
      },
    },
    retention: {
      logs: RetentionDays.ONE_MONTH,
      eventArchiveDays: 30,
      deadLetterDays: 14,
      retainData: false,
    },
    concurrency: { ingest: 5, deliver: 2, feedback: 2 },
  },
  prod: {
    account: '333333333333',
    region: 'eu-west-1',
    eventSources: ['com.example.shop', 'com.example.app'],
    alarmEmail: 'ops@example.com',
    policyEnvironment: 'eu',
    defaultTimezone: 'Europe/Paris',
    channels: {
      email: {
        identity: 'example.com',
        from: 'Shop <news@example.com>',
        replyTo: 'help@example.com',
        configurationSetName: 'cairn-prod',
      },
      sms: {
        originationIdentityArn:
          'arn:aws:sms-voice:eu-west-1:333333333333:pool/pool-fedcba9876543210fedcba9876543210',
        configurationSetName: 'cairn-prod',
        maxSegments: 3,
      },
      push: { applicationId: '0123456789abcdef0123456789abcdef' },
    },
    retention: {
      logs: RetentionDays.THREE_MONTHS,
      eventArchiveDays: 90,
      deadLetterDays: 14,
      retainData: true,
    },
    concurrency: { ingest: 20, deliver: 10, feedback: 5 },
    // Sized for the steady 100 million events a month of docs/deploy.md (about 63 write and 53 read units a
    // second in use): the maximum lets 20 ingest instances write at full pace (docs/deploy.md explains both).
    tableCapacity: {
      provisioned: {
        reads: { min: 20, max: 2_000 },
        writes: { min: 20, max: 2_000 },
        indexes: { reads: { min: 1, max: 100 }, writes: { min: 2, max: 1_000 } },
        targetUtilizationPercent: 70,
      },
    },
  },
};

/** Values that may be given at synth time instead of in this file, e.g. from CI: `-c account=...`. */
export const ConfigOverrides = z.strictObject({
  account: z.string().optional(),
  region: z.string().optional(),
  alarmEmail: z.string().optional(),
});
export type ConfigOverrides = z.infer<typeof ConfigOverrides>;

/** A configuration that cannot be deployed: synth stops with this message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The configuration of environment `name` with `overrides` applied, parsed: an unknown or missing name, or a
 * missing or wrong value, throws a ConfigError that says which and where.
 */
export function selectEnvironment(
  name: string | undefined,
  overrides: ConfigOverrides = {},
  configs: Record<string, unknown> = environments,
): { env: Env; config: EnvironmentConfig } {
  const choices = Env.options.map((e) => `-c env=${e}`).join(', ');
  if (name === undefined || name === '')
    throw new ConfigError(`no environment chosen: pass one of ${choices} (e.g. npx cdk synth -c env=dev)`);
  const env = Env.safeParse(name);
  if (!env.success)
    throw new ConfigError(`unknown environment "${name}": expected one of ${Env.options.join(', ')}`);
  const raw = configs[env.data];
  if (raw === undefined)
    throw new ConfigError(`environment "${env.data}" has no configuration in infra/config.ts`);
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const merged = typeof raw === 'object' && raw !== null ? { ...raw, ...given } : raw;
  const parsed = EnvironmentConfig.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${describeIssue(issue, merged)}`);
    throw new ConfigError(
      `the configuration of environment "${env.data}" (infra/config.ts) is not valid:\n${lines.join('\n')}`,
    );
  }
  return { env: env.data, config: parsed.data };
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.') || '(the whole entry)';
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  return `${path}: ${missing ? 'required, but missing' : issue.message}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
