// The variable cost per million customer events (issue 15, part 4): the runtime's use cases on DynamoDB count what a generated population's events cost in DynamoDB capacity units, messages, timers and
// provider feedback; list prices and the batch sizes of infra/ turn those counts into dollars. Imported by
// bench/run.ts; docs/deploy.md ("Monthly cost estimate") quotes its lines.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerStateStore } from '../functions/adapters/dynamodb/customer-state-store.ts';
import { DynamoPolicyStore } from '../functions/adapters/dynamodb/policy-store.ts';
import { emailTags } from '../functions/adapters/ses/email-tags.ts';
import type { CustomerState, SendIntent } from '../functions/core/engine/state.ts';
import type { CustomerEvent } from '../functions/core/events/index.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import type { Observer } from '../functions/core/ports/observer.ts';
import { Simulation } from '../functions/core/simulate/simulation.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';
import { startDynalite } from '../functions/local/dynalite.ts';
import { sesEngagementEvent } from '../test/support/ses-feedback.ts';
import {
  batchShape,
  lambdaMsPerInput,
  measureIngestWork,
  REQUEST_LATENCY_MS,
  VCPU_SHARE_512MB,
} from './cost-lambda.ts';
import { type Capacity, type CostCounts, costLines } from './cost-lines.ts';
import { measureLogBytes } from './cost-logs.ts';
import { earliestDueLayout } from './cost-timers.ts';
import { describeWrites, tallyWrites } from './cost-writes.ts';

/**
 * A timer's write in DynamoDB: one PutItem of at most 1 KB to schedule it (request-budget-send.test.ts counts
 * it), one DeleteItem to cancel it.
 */
const TIMER_WRITE_UNITS = 1;

const DAY = 86_400_000;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * The Dynamo state store, counting the saves the use cases ask of it, and telling `onSaved` each state saved.
 */
function countingStore(
  table: { client: DynamoDBDocumentClient; tableName: string },
  onSaved: (state: CustomerState) => void,
) {
  const store = new DynamoCustomerStateStore(table);
  const counted = {
    saves: 0,
    load: store.load.bind(store),
    loadWithSuppressions: store.loadWithSuppressions.bind(store),
    save: async (...args: Parameters<DynamoCustomerStateStore['save']>) => {
      counted.saves++;
      const result = await store.save(...args);
      if (result.ok) onSaved(args[0]);
      return result;
    },
  };
  return counted;
}

/**
 * Counts the timers the use cases schedule or defer (each one PutItem of at most 1 KB in DynamoDB), cancel (one
 * DeleteItem at the timer's key, 1 write unit) and fire.
 */
function timerCounter(): Observer & {
  scheduled: number;
  cancelled: number;
  fired: number;
  scheduledByKind: Record<string, number>;
} {
  return {
    scheduled: 0,
    cancelled: 0,
    fired: 0,
    scheduledByKind: {},
    observe(observation) {
      if (observation.type !== 'applied') return;
      if (observation.input.kind === 'timer') this.fired++;
      for (const effect of observation.effects) {
        if (effect.type === 'timer-scheduled' || effect.type === 'timer-deferred') {
          this.scheduled++;
          const kind = effect.timer.kind;
          this.scheduledByKind[kind] = (this.scheduledByKind[kind] ?? 0) + 1;
        } else if (effect.type === 'timer-cancelled') this.cancelled++;
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
  const events = benchEvents(users, days);
  const measuredFrom = Date.parse(START) + (days - measuredDays) * DAY;
  const dynamo = await startDynalite();
  const writes = tallyWrites(dynamo.client);
  try {
    const tableName = await dynamo.createTable();
    const table = { client: dynamo.documents, tableName };
    const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const emails: SendIntent[] = [];
    let emailsSent = 0;
    const timers = timerCounter();
    const earliest = earliestDueLayout();
    const states = countingStore(table, (state) => earliest.saved(state));
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
      earliestWrites: 0,
    };
    let feedbackInputs = 0;
    let measuring = false;
    let busBytes = 0;
    let timersBefore: Record<string, number> = {};
    for (const [index, event] of events.entries()) {
      const at = Date.parse(event.time);
      if (!measuring && at >= measuredFrom) {
        measuring = true;
        dynamo.counter.take();
        writes.take();
        timersBefore = { ...timers.scheduledByKind };
        Object.assign(before, {
          events: index,
          messages: simulation.tally.messages.size,
          emails: emailsSent,
          scheduled: timers.scheduled,
          cancelled: timers.cancelled,
          fired: timers.fired,
          feedbackInputs,
          saves: states.saves,
          earliestWrites: earliest.writes,
        });
      }
      if (measuring) busBytes += onTheBus(event);
      await simulation.processEvent(event);
      feedbackInputs += await feedBack(simulation, emails, at);
    }
    await simulation.finish(Date.parse(events.at(-1)?.time ?? '') + 7 * DAY);
    const requests = dynamo.counter.take();
    const scheduled = timers.scheduled - before.scheduled;
    const cancelled = timers.cancelled - before.cancelled;
    return {
      events: events.length - before.events,
      eventKb: busBytes / (events.length - before.events) / 1024,
      users,
      days: measuredDays,
      messages: simulation.tally.messages.size - before.messages,
      emails: emailsSent - before.emails,
      feedbackInputs: feedbackInputs - before.feedbackInputs,
      timersScheduled: scheduled,
      timersCancelled: cancelled,
      timersFired: timers.fired - before.fired,
      timerWritesEarliestOnly: earliest.writes - before.earliestWrites,
      timersByKind: Object.fromEntries(
        Object.entries(timers.scheduledByKind).map(([kind, n]) => [kind, n - (timersBefore[kind] ?? 0)]),
      ),
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

const START = '2026-05-01';

/** The generated events the bench counts: `users` customers over `days` from START, seed 42. */
function benchEvents(users: number, days: number): CustomerEvent[] {
  return [...generateEvents({ users, days, seed: 42, start: START })];
}

/** The index of the first event of the last `measuredDays` of `days`. */
function firstMeasured(events: readonly CustomerEvent[], days: number, measuredDays: number): number {
  const from = Date.parse(START) + (days - measuredDays) * DAY;
  const index = events.findIndex((event) => Date.parse(event.time) >= from);
  return index === -1 ? events.length : index;
}

/** An event's size as the bus archives it: EventBridge adds the account and the Region to what the app put. */
function onTheBus(event: object): number {
  return Buffer.byteLength(JSON.stringify({ ...event, account: '123456789012', region: 'us-east-1' }));
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

const GOAL = 2.5;
/** Customers, and days: the first WARM_DAYS fill the states' 90-day window; the last MEASURED_DAYS are counted. */
const USERS = 100;
const WARM_DAYS = 90;
const MEASURED_DAYS = 30;

export async function costPerMillionEvents(): Promise<void> {
  const days = WARM_DAYS + MEASURED_DAYS;
  const counts = await countCosts(USERS, days, MEASURED_DAYS);
  const logs = await measureLogBytes();
  const events = benchEvents(USERS, days);
  const measured = firstMeasured(events, days, MEASURED_DAYS);
  const work = await measureIngestWork(events, measured);
  const shape = batchShape(events.slice(measured).map((event) => event.detail.userId));
  const sequentialMs = lambdaMsPerInput(work, shape, false);
  const inputMs = lambdaMsPerInput(work, shape, true);
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
  const timerKinds = Object.entries(counts.timersByKind)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, n]) => `${kind} ${fmt(n)}`)
    .join(', ');
  console.log(
    `cost: timers scheduled by kind: ${timerKinds}; ${fmt(counts.timersScheduled + counts.timersCancelled)} timer writes, where one item per customer at its earliest due time would take ${fmt(counts.timerWritesEarliestOnly)} (bench/cost-timers.ts)`,
  );
  console.log(
    `cost: bytes, measured: the events ${fmt(counts.eventKb * 1024)} bytes on average on the bus (what the archive bills); logs at INFO ${fmt(logs.perInvocation, 2)} KB an invocation (Lambda's START, END and REPORT and an ingest batch of 10), ${fmt(logs.perMessage, 2)} KB a message delivered, ${fmt(logs.perFeedbackRecord, 2)} KB a feedback record (bench/cost-logs.ts)`,
  );
  console.log(
    `cost: ingest's Lambda time, modelled: ${fmt(work.cpuMsPerInput, 3)} ms of CPU per input measured here (the ingest handler, ports in memory, ${fmt(work.inputs)} inputs), ${fmt(work.cpuMsPerInput / VCPU_SHARE_512MB, 2)} ms at 512 MB's share of a vCPU; ${fmt(work.requestsPerInput, 2)} DynamoDB and SQS requests per input at ${REQUEST_LATENCY_MS} ms each (assumed); batches of 10 consecutive inputs hold ${fmt(shape.meanCustomers, 2)} customers, the longest customer's chain ${fmt(shape.meanLongestChain, 2)} inputs: ${fmt(sequentialMs, 2)} ms an input with records one after the other, ${fmt(inputMs, 2)} ms with customers at once (priced below)`,
  );
  const capacities: [Capacity, string][] = [
    ['on-demand', 'DynamoDB on demand'],
    [{ utilization: 0.7 }, "DynamoDB provisioned, 70% of it used (auto scaling's target, steady traffic)"],
    [{ utilization: 0.5 }, 'DynamoDB provisioned, 50% of it used'],
  ];
  const busProvisioned = (ms: number) => costLines(counts, logs, ms, 'bus', { utilization: 0.7 });
  const lambdaOf = (ms: number) => busProvisioned(ms).find(([what]) => what === 'Lambda')?.[1] ?? 0;
  const totalOf = (ms: number) => busProvisioned(ms).reduce((sum, [, cost]) => sum + cost, 0);
  console.log(
    `cost: with records one after the other (${fmt(sequentialMs, 2)} ms an input) Lambda would be ${usd(lambdaOf(sequentialMs))} and the bus route provisioned at 70% ${usd(totalOf(sequentialMs))}; with customers at once ${usd(lambdaOf(inputMs))} and ${usd(totalOf(inputMs))}`,
  );
  for (const [route, how] of [
    ['bus', 'put on the bus'],
    ['queue', 'sent straight to the ingest queue, 10 to a request'],
  ] as const) {
    for (const [capacity, mode] of capacities) {
      const lines = costLines(counts, logs, inputMs, route, capacity).filter(([, cost]) => cost > 0);
      const total = lines.reduce((sum, [, cost]) => sum + cost, 0);
      console.log(
        `cost: variable cost per million customer events ${how}, ${mode}: ${usd(total)} (${lines.map(([what, cost]) => `${what} ${usd(cost)}`).join(', ')}): ${total <= GOAL ? 'meets' : 'misses'} the ${usd(GOAL)} goal`,
      );
    }
  }
}
