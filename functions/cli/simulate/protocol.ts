import * as z from 'zod';
import { OutcomeRecord } from '../../core/outcomes/record.ts';
import { SimulationPart } from '../../core/simulate/part.ts';

/**
 * What `cairn simulate --workers N` and its worker threads say to each other (worker-thread.ts): checked with
 * these schemas on arrival, as everything that crosses a boundary is.
 */

/** What a worker loads once, as the command did: the journeys, policies and stubs, and what to watch. */
export const WorkerSetup = z.object({
  journeys: z.string(),
  timezone: z.string(),
  policies: z.string().optional(),
  env: z.string().optional(),
  calls: z.string().optional(),
  /** The customer of `--user`, whose timeline the share that has them keeps. */
  user: z.string().optional(),
});
export type WorkerSetup = z.infer<typeof WorkerSetup>;

/**
 * One share a worker simulates in a pass over the file. A worker keeps its loaded runtime from one pass to the
 * next and may hold several shares in a pass (a subset's rerun: subset-rerun.ts).
 */
export const ShareSetup = z.object({
  /** Whether to hand outcome records (`--log`) back to the command, which writes them. */
  log: z.boolean(),
  /** The folder the shares write their records' sorted runs to, and this share's number. */
  dir: z.string(),
  index: z.number(),
  /** Whether the share writes its queue waits to a file (ShareOptions.waits). */
  waits: z.boolean(),
  /** Whether the share writes its records, or only counts them (ShareOptions.records). */
  records: z.boolean(),
  /** How much state text the share's store holds as objects: the process's budget split among its shares. */
  hotStateChars: z.number().int().positive(),
});
export type ShareSetup = z.infer<typeof ShareSetup>;

const OwnText = z.object({ index: z.number(), line: z.number(), text: z.string() });

/**
 * Consecutive lines of the file (a LineBatch of core/simulate/partition.ts for each share the worker holds):
 * every line's time, and each share's own lines as the file has them, in the order the shares were opened.
 */
export const TextBatch = z.object({
  type: z.literal('lines'),
  wallNow: z.number(),
  ats: z.array(z.number().nullable()),
  own: z.array(z.array(OwnText)),
});
export type TextBatch = z.infer<typeof TextBatch>;

export const ToWorker = z.discriminatedUnion('type', [
  /** The shares of the next pass, replacing those of the last. */
  z.object({ type: z.literal('open'), shares: z.array(ShareSetup) }),
  TextBatch,
  z.object({ type: z.literal('finish'), until: z.number().nullable(), daysAfter: z.number() }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export const FromWorker = z.discriminatedUnion('type', [
  /** A batch was taken: the command may send another (it keeps a few in flight, no more). */
  z.object({ type: z.literal('taken') }),
  z.object({ type: z.literal('outcomes'), records: z.array(OutcomeRecord) }),
  /** The parts of the pass's shares, in the order they were opened. */
  z.object({ type: z.literal('parts'), parts: z.array(SimulationPart) }),
  /** The worker could not load its setup or failed; the message says why. */
  z.object({ type: z.literal('failed'), error: z.string() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
