// The arithmetic of the cost bench (bench/cost.ts): list prices and the assumptions of docs/deploy.md ("Monthly
// cost estimate") turn what a run counted into dollars per million customer events, by line.
import type { WritesByKind } from './cost-writes.ts';

/** US East list prices, per unit named (docs/deploy.md, "Monthly cost estimate"). */
export const PRICE = {
  eventBridgePerEvent: 1.0 / 1e6,
  archivePerGb: 0.1,
  archiveStoredPerGbMonth: 0.023,
  sqsPerRequest: 0.4 / 1e6,
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecond: 0.0000133334,
  /** On demand: per read and write request unit. */
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
  /**
   * Provisioned: per capacity unit-hour (a read unit is one strongly consistent 4 KB read a second, a write unit
   * one 1 KB write a second), as quoted 2026-12-06 (docs/deploy.md, "DynamoDB capacity mode").
   */
  readUnitHour: 0.00013,
  writeUnitHour: 0.00065,
  logsPerGb: 0.5,
  logsStoredPerGbMonth: 0.03,
} as const;

/**
 * What is assumed rather than counted, as docs/deploy.md states it for 100 million events a month: archive
 * retention, deliver's and feedback's Lambda time per record (not measurable here; ingest's is modelled from
 * measured CPU and counted requests, bench/cost-lambda.ts), the idle polling and sweeps of a month, storage and
 * KMS (from the estimate's 100-million table, per million events). The events' size and the log bytes are
 * measured (`CostCounts.eventKb`, `LogBytes`).
 */
export const ASSUMED = {
  eventsPerMonth: 100_000_000,
  archiveMonthsKept: 3,
  feedbackRecordsPerEmail: 2,
  /** SQS requests of a message put alone (1), then received and deleted 10 at a time. */
  sqsPerSingleMessage: 1.2,
  /** Of one record sent, received and deleted 10 at a time (SendMessageBatch from feedback). */
  sqsPerBatchedMessage: 0.3,
  idleSqsRequestsPerMonth: 1_944_000,
  recordsPerInvocation: 10,
  sweepsPerMonth: 43_200,
  sweepReadUnitsPerMonth: 389_000,
  sweepWriteUnitsPerMonth: 43_200,
  /** Ingest's and the timers' functions' memory (GB); their time per input is modelled (bench/cost-lambda.ts). */
  inputFunctionGb: 0.5,
  gbSecondsPerMessage: 0.05 * 0.5,
  gbSecondsPerFeedbackRecord: 0.01 * 0.25,
  gbSecondsPerSweep: 0.1 * 0.5,
  /** Log retention in months, the `prod` sample's (what is ingested is stored that long). */
  logMonthsKept: 3,
  storagePerMillion: 0.056,
  kmsPerMillion: 0.0053,
} as const;

/**
 * The log bytes CloudWatch ingests (KB), measured through the handlers at INFO (bench/cost-logs.ts): per
 * invocation (Lambda's own lines and an ingest batch's), per message delivered and per feedback record.
 */
export type LogBytes = {
  perInvocation: number;
  perMessage: number;
  perFeedbackRecord: number;
};

/** What a run counted, for `users` generated customers over `days`. */
export type CostCounts = {
  events: number;
  /** The counted events' mean size on the bus (KB, the EventBridge envelope included): what the archive bills. */
  eventKb: number;
  users: number;
  days: number;
  messages: number;
  emails: number;
  feedbackInputs: number;
  timersScheduled: number;
  timersCancelled: number;
  timersFired: number;
  /** The timer writes of one item per customer at its earliest due time (bench/cost-timers.ts), for comparison. */
  timerWritesEarliestOnly: number;
  /** The timers scheduled, by their kind (wait, lifecycle, date, entry, segments). */
  timersByKind: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  byOperation: Record<string, number>;
  /** Saves of a customer's state: inputs that changed nothing read (or were duplicates) made none. */
  stateWrites: number;
  /** The write units of each single-item write, by item kind (timers, kept in memory here, are not in it). */
  writesByKind: WritesByKind;
};

/**
 * How DynamoDB bills the units: `on-demand`, per request unit; provisioned, per unit-hour of capacity that auto
 * scaling keeps at `utilization` of what is used (0.7 is its target; lower when traffic moves faster than it scales).
 */
export type Capacity = 'on-demand' | { utilization: number };

const SECONDS_PER_HOUR = 3600;

/** The price of one unit used, read or write, in a capacity mode. */
function unitPrice(capacity: Capacity, kind: 'read' | 'write'): number {
  if (capacity === 'on-demand') return kind === 'read' ? PRICE.readUnit : PRICE.writeUnit;
  const hour = kind === 'read' ? PRICE.readUnitHour : PRICE.writeUnitHour;
  return hour / SECONDS_PER_HOUR / capacity.utilization;
}

/**
 * How customer events reach the ingest queue: `bus`, an app's PutEvents on the bus, whose rule puts each event
 * on the queue alone (and the bus archives it); `queue`, the app's own SendMessageBatch of 10 straight to the
 * queue (docs/events.md, "Sending straight to the ingest queue"), with no EventBridge event and no archive.
 */
export type Route = 'bus' | 'queue';

/**
 * Dollars per million customer events, by line, from the counts and the assumptions above; `inputMs` is an
 * input's Lambda time in ingest or the timers' function (bench/cost-lambda.ts, `lambdaMsPerInput`).
 */
export function costLines(
  counts: CostCounts,
  logs: LogBytes,
  inputMs: number,
  route: Route = 'bus',
  capacity: Capacity = 'on-demand',
): [string, number][] {
  const perEvent = (n: number) => n / counts.events;
  const million = 1e6;
  const messages = perEvent(counts.messages) * million;
  const feedback = perEvent(counts.emails * ASSUMED.feedbackRecordsPerEmail) * million;
  const inputs = perEvent(counts.events + counts.feedbackInputs + counts.timersFired) * million;
  const monthShare = million / ASSUMED.eventsPerMonth;
  const viaBus = route === 'bus';
  const sqsRequests =
    million * (viaBus ? ASSUMED.sqsPerSingleMessage : ASSUMED.sqsPerBatchedMessage) +
    (messages + feedback) * ASSUMED.sqsPerSingleMessage +
    perEvent(counts.feedbackInputs) * million * ASSUMED.sqsPerBatchedMessage +
    ASSUMED.idleSqsRequestsPerMonth * monthShare;
  const invocations =
    (million + perEvent(counts.feedbackInputs) * million + messages + feedback) /
      ASSUMED.recordsPerInvocation +
    ASSUMED.sweepsPerMonth * monthShare;
  const gbSeconds =
    inputs * (inputMs / 1000) * ASSUMED.inputFunctionGb +
    messages * ASSUMED.gbSecondsPerMessage +
    feedback * ASSUMED.gbSecondsPerFeedbackRecord +
    ASSUMED.sweepsPerMonth * monthShare * ASSUMED.gbSecondsPerSweep;
  const archiveGb = viaBus ? (million * counts.eventKb) / 2 ** 20 : 0;
  const logGb =
    (invocations * logs.perInvocation + messages * logs.perMessage + feedback * logs.perFeedbackRecord) /
    2 ** 20;
  return [
    [
      'DynamoDB writes',
      (perEvent(counts.writeUnits) * million + ASSUMED.sweepWriteUnitsPerMonth * monthShare) *
        unitPrice(capacity, 'write'),
    ],
    ['EventBridge', viaBus ? million * PRICE.eventBridgePerEvent : 0],
    ['SQS', sqsRequests * PRICE.sqsPerRequest],
    ['Lambda', invocations * PRICE.lambdaPerRequest + gbSeconds * PRICE.lambdaPerGbSecond],
    [
      'DynamoDB reads',
      (perEvent(counts.readUnits) * million + ASSUMED.sweepReadUnitsPerMonth * monthShare) *
        unitPrice(capacity, 'read'),
    ],
    ['archive', archiveGb * (PRICE.archivePerGb + ASSUMED.archiveMonthsKept * PRICE.archiveStoredPerGbMonth)],
    ['logs', logGb * (PRICE.logsPerGb + ASSUMED.logMonthsKept * PRICE.logsStoredPerGbMonth)],
    ['storage', ASSUMED.storagePerMillion],
    ['KMS', ASSUMED.kmsPerMillion],
  ];
}
