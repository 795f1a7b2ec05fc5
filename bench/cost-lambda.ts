// The Lambda time of the cost bench (bench/cost.ts): instead of a flat time per input, the CPU the ingest
// handler spends per input (measured here, in-process, with the ports in memory) plus the round trips per input
// to DynamoDB and SQS (counted here, priced at an assumed latency), summed over a batch of 10 when its records
// ran one after the other, or over its longest customer's chain now that customers run at once.
import type { CustomerEvent } from '../functions/core/events/index.ts';
import { ingestHandler } from '../functions/handlers/ingest/index.ts';
import { observability } from '../functions/handlers/shared/observability.ts';
import { lambdaContext, memoryPorts, sqsBatch } from '../test/handlers/support.ts';

/** Records per invocation, as the ingest queue's event source mapping batches them (infra/). */
export const RECORDS_PER_BATCH = 10;

/**
 * A DynamoDB or SQS request's round trip from Lambda in the same Region, assumed: AWS documents "single-digit
 * millisecond" latency for DynamoDB; 5 ms is taken for either service.
 */
export const REQUEST_LATENCY_MS = 5;

/**
 * What share of a vCPU a function of 512 MB gets: Lambda gives one vCPU at 1,769 MB, in proportion below it, so
 * a millisecond of CPU measured here (one core) is taken as 1769 / 512 = 3.5 ms of a 512 MB function's time.
 */
export const VCPU_SHARE_512MB = 512 / 1769;

/** What ingest spends per input, measured: CPU on this machine, and the DynamoDB and SQS requests it makes. */
export type IngestWork = { cpuMsPerInput: number; requestsPerInput: number; inputs: number };

/** How consecutive inputs fall into batches of 10: customers per batch, and the longest customer's records. */
export type BatchShape = { meanCustomers: number; meanLongestChain: number };

/** Over consecutive batches of `RECORDS_PER_BATCH` of `userIds` (the inputs' customers, in arrival order). */
export function batchShape(userIds: readonly string[]): BatchShape {
  let batches = 0;
  let customers = 0;
  let longest = 0;
  for (let i = 0; i < userIds.length; i += RECORDS_PER_BATCH) {
    const perCustomer = new Map<string, number>();
    for (const id of userIds.slice(i, i + RECORDS_PER_BATCH))
      perCustomer.set(id, (perCustomer.get(id) ?? 0) + 1);
    batches++;
    customers += perCustomer.size;
    longest += Math.max(...perCustomer.values());
  }
  return { meanCustomers: customers / batches, meanLongestChain: longest / batches };
}

/**
 * The Lambda milliseconds of one input: its CPU at a 512 MB function's share of a vCPU, plus its requests'
 * latency when it waits for them alone (`sequential`); with customers at once, a batch lasts its longest
 * customer's chain of inputs, or its CPU if that is longer (one thread runs every record's CPU), spread over its
 * records.
 */
export function lambdaMsPerInput(work: IngestWork, shape: BatchShape, concurrent: boolean): number {
  const cpu = work.cpuMsPerInput / VCPU_SHARE_512MB;
  const oneInput = cpu + work.requestsPerInput * REQUEST_LATENCY_MS;
  if (!concurrent) return oneInput;
  const batch = Math.max(RECORDS_PER_BATCH * cpu, shape.meanLongestChain * oneInput);
  return batch / RECORDS_PER_BATCH;
}

/** Wraps a port so that each call of one of its methods counts one request. */
function counting<T extends object>(port: T, count: () => void): T {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        count();
        return Reflect.apply(value, target, args);
      };
    },
  });
}

/**
 * Runs `events` through the ingest handler, 10 to an invocation, with the ports in memory (each port call
 * counted as one request) and the clock at each batch's last event; the CPU and the requests of the inputs from
 * the batch holding `measuredFrom` on (the ones before fill the customers' states).
 */
export async function measureIngestWork(
  events: readonly CustomerEvent[],
  measuredFrom: number,
): Promise<IngestWork> {
  const previous = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  let now = 0;
  let requests = 0;
  const count = () => requests++;
  try {
    const memory = await memoryPorts({ now: () => now });
    const ports = {
      ...memory,
      states: counting(memory.states, count),
      timers: counting(memory.timers, count),
      sends: counting(memory.sends, count),
      events: counting(memory.events, count),
      deadLetters: counting(memory.deadLetters, count),
    };
    const handler = ingestHandler(async () => ports, observability('ingest'));
    const start = measuredFrom - (measuredFrom % RECORDS_PER_BATCH);
    let cpuFrom = process.cpuUsage();
    for (let i = 0; i < events.length; i += RECORDS_PER_BATCH) {
      if (i === start) {
        requests = 0;
        cpuFrom = process.cpuUsage();
      }
      const batch = events.slice(i, i + RECORDS_PER_BATCH);
      now = Date.parse(batch.at(-1)?.time ?? '') + 1000;
      await handler(sqsBatch(batch.map((event) => JSON.stringify(event))), lambdaContext);
    }
    const cpu = process.cpuUsage(cpuFrom);
    const inputs = events.length - start;
    return {
      cpuMsPerInput: (cpu.user + cpu.system) / 1000 / inputs,
      requestsPerInput: requests / inputs,
      inputs,
    };
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previous;
  }
}
