// The variable cost per million customer events (issue 15, part 4): the runtime's use cases on DynamoDB count what a generated population's events cost in DynamoDB capacity units, messages, timers and
// provider feedback; list prices and the batch sizes of infra/ turn those counts into dollars. Imported by
// bench/run.ts; docs/deploy.md ("Monthly cost estimate") quotes its lines.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerStateStore } from '../functions/adapters/dynamodb/customer-state-store.ts';
import { DynamoPolicyStore } from '../functions/adapters/dynamodb/policy-store.ts';
import { emailTags } from '../functions/adapters/ses/email-tags.ts';
import type { SendIntent } from '../functions/core/engine/state.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import type { Observer } from '../functions/core/ports/observer.ts';
import { Simulation } from '../functions/core/simulate/simulation.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';
import { startDynalite } from '../functions/local/dynalite.ts';
import { sesEngagementEvent } from '../test/support/ses-feedback.ts';
import { describeWrites, tallyWrites, type WritesByKind } from './cost-writes.ts';

/**
 * A timer's write in DynamoDB: one PutItem of at most 1 KB to schedule it (request-budget-send.test.ts counts
 * it), one DeleteItem to cancel it.
 */
const TIMER_WRITE_UNITS = 1;

const DAY = 86_400_000;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (n: number) => `$${n.toFixed(2)}`;

/** US East list prices, per unit named (docs/deploy.md, "Monthly cost estimate"). */
const PRICE = {
  eventBridgePerEvent: 1.0 / 1e6,
  archivePerGb: 0.1,
  archiveStoredPerGbMonth: 0.023,
  sqsPerRequest: 0.4 / 1e6,
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecond: 0.0000133334,
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
  logsPerGb: 0.5,
  logsStoredPerGbMonth: 0.03,
} as const;

/**
 * What is assumed rather than counted, as docs/deploy.md states it for 100 million events a month: event size,
 * archive retention, Lambda time per record (not measurable here), log bytes, the idle polling and sweeps of a
 * month, storage and KMS (from the estimate's 100-million table, per million events).
 */
const ASSUMED = {
  eventsPerMonth: 100_000_000,
  eventKb: 1,
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
  gbSecondsPerInput: 0.02 * 0.5,
  gbSecondsPerMessage: 0.05 * 0.5,
  gbSecondsPerFeedbackRecord: 0.01 * 0.25,
  gbSecondsPerSweep: 0.1 * 0.5,
  logKbPerInvocation: 1,
  logKbPerMessage: 0.5,
  logsStoredGbPerMillion: 0.6,
  storagePerMillion: 0.056,
  kmsPerMillion: 0.0053,
} as const;

/** What a run counted, for `users` generated customers over `days`. */
export type CostCounts = {
  events: number;
  users: number;
  days: number;
  messages: number;
  emails: number;
  feedbackInputs: number;
  timersScheduled: number;
  timersCancelled: number;
  timersFired: number;
  readUnits: number;
  writeUnits: number;
  byOperation: Record<string, number>;
  /** Saves of a customer's state: inputs that changed nothing read (or were duplicates) made none. */
  stateWrites: number;
  /** The write units of each single-item write, by item kind (timers, kept in memory here, are not in it). */
  writesByKind: WritesByKind;
};

/** The Dynamo state store, counting the saves the use cases ask of it. */
function countingStore(table: { client: DynamoDBDocumentClient; tableName: string }) {
  const store = new DynamoCustomerStateStore(table);
  const counted = {
    saves: 0,
    load: store.load.bind(store),
    loadWithSuppressions: store.loadWithSuppressions.bind(store),
    save: (...args: Parameters<DynamoCustomerStateStore['save']>) => {
      counted.saves++;
      return store.save(...args);
    },
  };
  return counted;
}

/**
 * Counts the timers the use cases schedule or defer (each one PutItem of at most 1 KB in DynamoDB), cancel (one
 * DeleteItem at the timer's key, 1 write unit) and fire.
 */
function timerCounter(): Observer & { scheduled: number; cancelled: number; fired: number } {
  return {
    scheduled: 0,
    cancelled: 0,
    fired: 0,
    observe(observation) {
      if (observation.type !== 'applied') return;
      if (observation.input.kind === 'timer') this.fired++;
      for (const effect of observation.effects) {
        if (effect.type === 'timer-scheduled' || effect.type === 'timer-deferred') this.scheduled++;
        else if (effect.type === 'timer-cancelled') this.cancelled++;
      }
    },
  };
}

/**
 * Generated events through the simulator (the runtime's use cases: ingest, deliver, timers, feedback), with
 * the customer states, suppressions and send ledger in DynamoDB (dynalite, the stores the functions use, on
 * one counted client) and two SES records (delivered, opened) fed back for every email sent while events
 * arrive. The timers stay in memory: the count of those scheduled or cancelled is multiplied by their measured
 * budget (1 PutItem of at most 1 KB, test/adapters/dynamodb/request-budget-send.test.ts; 1 DeleteItem to
 * cancel, docs/data-model.md, "Timers"), and the sweep's reads are a fixed monthly
 * figure (docs/data-model.md, "Timers").
 */
export async function countCosts(users: number, days: number, measuredDays: number): Promise<CostCounts> {
  const events = [...generateEvents({ users, days, seed: 42, start: '2026-05-01' })];
  const measuredFrom = Date.parse('2026-05-01') + (days - measuredDays) * DAY;
  const dynamo = await startDynalite();
  const writes = tallyWrites(dynamo.client);
  try {
    const tableName = await dynamo.createTable();
    const table = { client: dynamo.documents, tableName };
    const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const emails: SendIntent[] = [];
    let emailsSent = 0;
    const timers = timerCounter();
    const states = countingStore(table);
    const simulation = new Simulation({
      config,
      keepSent: false,
      observer: timers,
      wrap: {
        states: () => states,
        policyStore: () => new DynamoPolicyStore(table),
        channel: (channel) => ({
          async send(message) {
            const result = await channel.send(message);
            if (message.channel === 'email') {
              emails.push(message.intent);
              emailsSent++;
            }
            return result;
          },
        }),
      },
    });
    // Counted from `measuredFrom` on, once the customers' states hold what the window keeps.
    const before = {
      events: 0,
      messages: 0,
      emails: 0,
      scheduled: 0,
      cancelled: 0,
      fired: 0,
      feedbackInputs: 0,
      saves: 0,
    };
    let feedbackInputs = 0;
    let measuring = false;
    for (const [index, event] of events.entries()) {
      const at = Date.parse(event.time);
      if (!measuring && at >= measuredFrom) {
        measuring = true;
        dynamo.counter.take();
        writes.take();
        Object.assign(before, {
          events: index,
          messages: simulation.tally.messages.size,
          emails: emailsSent,
          scheduled: timers.scheduled,
          cancelled: timers.cancelled,
          fired: timers.fired,
          feedbackInputs,
          saves: states.saves,
        });
      }
      await simulation.processEvent(event);
      feedbackInputs += await feedBack(simulation, emails, at);
    }
    await simulation.finish(Date.parse(events.at(-1)?.time ?? '') + 7 * DAY);
    const requests = dynamo.counter.take();
    const scheduled = timers.scheduled - before.scheduled;
    const cancelled = timers.cancelled - before.cancelled;
    return {
      events: events.length - before.events,
      users,
      days: measuredDays,
      messages: simulation.tally.messages.size - before.messages,
      emails: emailsSent - before.emails,
      feedbackInputs: feedbackInputs - before.feedbackInputs,
      timersScheduled: scheduled,
      timersCancelled: cancelled,
      timersFired: timers.fired - before.fired,
      readUnits: requests.readUnits,
      writeUnits: requests.writeUnits + (scheduled + cancelled) * TIMER_WRITE_UNITS,
      byOperation: requests.byOperation,
      stateWrites: states.saves - before.saves,
      writesByKind: writes.take(),
    };
  } finally {
    await dynamo.stop();
  }
}

/** SES's records (delivered, opened) of the emails sent since the last call, fed back at `at`. */
async function feedBack(simulation: Simulation, emails: SendIntent[], at: number): Promise<number> {
  let published = 0;
  for (const intent of emails.splice(0)) {
    for (const type of ['Delivery', 'Open'] as const) {
      const record = sesEngagementEvent(type, `ses-${intent.messageId}`, emailTags(intent), at);
      published += (await simulation.feedback(record, at)).published.length;
    }
  }
  return published;
}

/**
 * How customer events reach the ingest queue: `bus`, an app's PutEvents on the bus, whose rule puts each event
 * on the queue alone (and the bus archives it); `queue`, the app's own SendMessageBatch of 10 straight to the
 * queue (docs/events.md, "Sending straight to the ingest queue"), with no EventBridge event and no archive.
 */
export type Route = 'bus' | 'queue';

/** Dollars per million customer events, by line, from the counts and the assumptions above. */
export function costLines(counts: CostCounts, route: Route = 'bus'): [string, number][] {
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
    inputs * ASSUMED.gbSecondsPerInput +
    messages * ASSUMED.gbSecondsPerMessage +
    feedback * ASSUMED.gbSecondsPerFeedbackRecord +
    ASSUMED.sweepsPerMonth * monthShare * ASSUMED.gbSecondsPerSweep;
  const archiveGb = viaBus ? (million * ASSUMED.eventKb) / 2 ** 20 : 0;
  const logGb = (invocations * ASSUMED.logKbPerInvocation + messages * ASSUMED.logKbPerMessage) / 2 ** 20;
  return [
    [
      'DynamoDB writes',
      (perEvent(counts.writeUnits) * million + ASSUMED.sweepWriteUnitsPerMonth * monthShare) *
        PRICE.writeUnit,
    ],
    ['EventBridge', viaBus ? million * PRICE.eventBridgePerEvent : 0],
    ['SQS', sqsRequests * PRICE.sqsPerRequest],
    ['Lambda', invocations * PRICE.lambdaPerRequest + gbSeconds * PRICE.lambdaPerGbSecond],
    [
      'DynamoDB reads',
      (perEvent(counts.readUnits) * million + ASSUMED.sweepReadUnitsPerMonth * monthShare) * PRICE.readUnit,
    ],
    ['archive', archiveGb * (PRICE.archivePerGb + ASSUMED.archiveMonthsKept * PRICE.archiveStoredPerGbMonth)],
    ['logs', logGb * PRICE.logsPerGb + ASSUMED.logsStoredGbPerMillion * PRICE.logsStoredPerGbMonth],
    ['storage', ASSUMED.storagePerMillion],
    ['KMS', ASSUMED.kmsPerMillion],
  ];
}

const GOAL = 2.5;
/** Customers, and days: the first WARM_DAYS fill the states' 90-day window; the last MEASURED_DAYS are counted. */
const USERS = 100;
const WARM_DAYS = 90;
const MEASURED_DAYS = 30;

export async function costPerMillionEvents(): Promise<void> {
  const counts = await countCosts(USERS, WARM_DAYS + MEASURED_DAYS, MEASURED_DAYS);
  const perEvent = (n: number) => fmt(n / counts.events, 3);
  console.log(
    `cost: ${fmt(counts.events)} events (${counts.users} users, the last ${counts.days} of ${WARM_DAYS + counts.days} days: ${fmt(counts.events / counts.users / counts.days, 2)} a customer a day) through the simulator on DynamoDB (dynalite): ${fmt(counts.messages)} messages (${fmt(counts.emails)} emails, 2 SES records each: ${fmt(counts.feedbackInputs)} feedback inputs), ${fmt(counts.timersScheduled)} timers scheduled, ${fmt(counts.timersCancelled)} cancelled, ${fmt(counts.timersFired)} fired`,
  );
  const ops = Object.entries(counts.byOperation)
    .map(([op, n]) => `${op} ${fmt(n)}`)
    .join(', ');
  const inputs = counts.events + counts.feedbackInputs + counts.timersFired;
  console.log(
    `cost: the customers' states saved for ${fmt(counts.stateWrites)} of ${fmt(inputs)} inputs (events, feedback, timers fired); the other ${fmt(inputs - counts.stateWrites)} changed nothing a decision reads`,
  );
  console.log(
    `cost: per customer event, DynamoDB ${perEvent(counts.readUnits)} read units and ${perEvent(counts.writeUnits)} write units, all functions (${ops}; timers 1 PutItem each, cancels 1 DeleteItem)`,
  );
  console.log(`cost: write units by item: ${describeWrites(counts.writesByKind).join('; ')}`);
  for (const [route, how] of [
    ['bus', 'put on the bus'],
    ['queue', 'sent straight to the ingest queue, 10 to a request'],
  ] as const) {
    const lines = costLines(counts, route).filter(([, cost]) => cost > 0);
    const total = lines.reduce((sum, [, cost]) => sum + cost, 0);
    console.log(
      `cost: variable cost per million customer events ${how}: ${usd(total)} (${lines.map(([what, cost]) => `${what} ${usd(cost)}`).join(', ')}): ${total <= GOAL ? 'meets' : 'misses'} the ${usd(GOAL)} goal`,
    );
  }
}
