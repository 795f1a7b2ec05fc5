import * as z from 'zod';
import type { JourneyCatalog } from '../engine/catalog.ts';
import type { DeclaredGroup, JourneyResults } from '../results/group-results.ts';
import { canonicalJourneys, sumJourneys, sumRuns } from './counters.ts';
import { EnrollmentFact } from './facts.ts';
import type { SimulationPartition } from './partition.ts';
import { DeadLetterRecord, JourneyCounters, RunTally } from './records.ts';
import { compareDeadLetters } from './result.ts';
import { resultsOfFacts } from './results.ts';

/**
 * What one share of a simulation (simulate/partition.ts) hands to the merge once its clock has run to the end:
 * its counts, where its customers' records went, and its counters. A worker thread posts it; the
 * schema checks it where it arrives.
 */
export const SimulationPart = z.object({
  eventsIn: z.number(),
  lateEvents: z.number(),
  pendingTimers: z.number(),
  /** Queue messages given up on (Simulation.redriven). */
  redriven: z.number(),
  until: z.number(),
  runErrors: z.array(z.object({ journeyId: z.string(), run: z.string(), error: z.string() })),
  /** The share's messages, as sorted runs of NDJSON (adapters/files/sorted-runs.ts), and how many were sent. */
  messages: z.object({ files: z.array(z.string()), count: z.number(), sent: z.number() }),
  /** The share's enrollments, as sorted runs. */
  enrollments: z.object({ files: z.array(z.string()), count: z.number() }),
  deadLetters: z.array(DeadLetterRecord),
  journeys: z.record(z.string(), JourneyCounters),
  runs: z.array(RunTally),
  facts: z.record(z.string(), z.array(EnrollmentFact)),
  /** The `--user` timeline's lines, from the share that has that customer. */
  timeline: z.array(z.string()),
  /** The seconds the sends of journeys with a send-rate limit asked for (InMemorySendRateCounters.asked). */
  rateAsked: z.array(
    z.object({
      journeyId: z.string(),
      second: z.number(),
      count: z.number(),
      perSecond: z.number(),
      /** Whose sends they were. */
      customers: z.array(z.string()),
    }),
  ),
  /** The paced stops of the share's clock, ms (Simulation.pacedStops), in order. */
  pacedStops: z.array(z.number()),
  /** The file of the share's queue waits (Simulation's onWait), one `from to userId` line each, when kept. */
  waits: z.string().nullable(),
});
export type SimulationPart = z.infer<typeof SimulationPart>;

/** Where a share's records went: the files of their sorted runs, and how many. */
export type PartRecords = Pick<SimulationPart, 'messages' | 'enrollments'>;

/** A share's part, once `finish` has run its clock to `until` and closed its tally, which retired every record. */
export function partOf(
  partition: SimulationPartition,
  until: number,
  timeline: string[],
  records: PartRecords,
  waits: string | null,
): SimulationPart {
  const { simulation } = partition;
  const { tally } = simulation;
  return {
    eventsIn: simulation.eventsIn,
    lateEvents: simulation.lateEvents,
    pendingTimers: simulation.pendingTimers(),
    redriven: simulation.redriven.length,
    until,
    runErrors: [...simulation.runErrors],
    ...records,
    deadLetters: partition.deadLetters(),
    journeys: tally.journeys,
    runs: [...tally.runs.values()],
    facts: tally.groupFacts.facts(),
    timeline,
    rateAsked: [...simulation.rates.asked.values()].map((asked) => ({
      ...asked,
      customers: [...asked.customers].sort(),
    })),
    pacedStops: [...simulation.pacedStops].sort((a, b) => a - b),
    waits,
  };
}

/** What the per-journey summary is printed from (simulate/report.ts, formatSummary). */
export type SimulationSummary = {
  journeys: Record<string, JourneyCounters>;
  runs: readonly RunTally[];
  results: Record<string, JourneyResults>;
};

/** The parts of every share as one simulation's: the same records, counters and summary, whatever the split. */
export type MergedParts = {
  eventsIn: number;
  lateEvents: number;
  pendingTimers: number;
  redriven: number;
  until: number;
  runErrors: SimulationPart['runErrors'];
  /** The sorted runs of every share's messages and enrollments (mergeRuns reads them as one), and counts. */
  messages: { files: string[]; count: number; sent: number };
  enrollments: { files: string[]; count: number };
  deadLetters: DeadLetterRecord[];
  summary: SimulationSummary;
  timeline: string[];
  /**
   * Records of these files whose customer is one of `customers` are not the result's: a subset of the customers
   * was simulated again, and their records are those of the rerun's files (subset-merge.ts).
   */
  leftOut?: { files: ReadonlySet<string>; customers: ReadonlySet<string> };
};

const sum = (parts: readonly SimulationPart[], of: (part: SimulationPart) => number) =>
  parts.reduce((total, part) => total + of(part), 0);

/**
 * Merges the shares' parts: counts added, the records' runs listed (read back in the result's order by
 * mergeRuns), counters added and put in one order (simulate/counters.ts). Every share ran to the same `until`.
 */
export function mergeParts(
  parts: readonly SimulationPart[],
  catalog: JourneyCatalog,
  declared: Record<string, DeclaredGroup[]>,
): MergedParts {
  return {
    eventsIn: sum(parts, (p) => p.eventsIn),
    lateEvents: sum(parts, (p) => p.lateEvents),
    pendingTimers: sum(parts, (p) => p.pendingTimers),
    redriven: sum(parts, (p) => p.redriven),
    until: parts[0]?.until ?? 0,
    runErrors: parts.flatMap((p) => p.runErrors),
    messages: {
      files: parts.flatMap((p) => p.messages.files),
      count: sum(parts, (p) => p.messages.count),
      sent: sum(parts, (p) => p.messages.sent),
    },
    enrollments: {
      files: parts.flatMap((p) => p.enrollments.files),
      count: sum(parts, (p) => p.enrollments.count),
    },
    deadLetters: parts.flatMap((p) => p.deadLetters).sort(compareDeadLetters),
    summary: {
      journeys: canonicalJourneys(sumJourneys(parts.map((p) => p.journeys)), catalog),
      runs: sumRuns(parts.map((p) => p.runs)),
      results: resultsOfFacts(
        declared,
        parts.map((p) => p.facts),
      ),
    },
    timeline: parts.flatMap((p) => p.timeline),
  };
}
