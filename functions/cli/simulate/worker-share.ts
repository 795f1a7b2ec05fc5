import { Worker } from 'node:worker_threads';
import type { OutcomeRecord } from '../../core/outcomes/record.ts';
import type { SimulationPart } from '../../core/simulate/part.ts';
import { FromWorker, type ShareSetup, type TextBatch, type ToWorker, type WorkerSetup } from './protocol.ts';

/** Batches a worker may have waiting at once: enough to keep it busy, few enough that memory stays flat. */
const IN_FLIGHT = 4;

/**
 * The young generation of each worker's heap, where V8 puts new objects until they survive a collection. V8's
 * default on this machine is larger, and each worker has one of its own. Measured side by side on the first
 * 40,000 events of the 1,000,000-event file with 2 workers: peak RSS 366 MiB against 412 MiB default, for 4%
 * more CPU (8 MiB: 348 MiB, 8% more CPU). Since the command thread runs bundled (bundle-module.mjs), 8 MiB,
 * measured on the first 100,000 events: 368 MiB against 379 MiB at 16, for 6% more CPU, taken to keep 2 workers
 * under 600 MB at 1,000,000 events. A limit on the young generation only: a share never fails on it.
 */
const YOUNG_GENERATION_MB = 8;

/**
 * A worker thread of `cairn simulate --workers N` (worker-thread.ts), which holds shares of the customers: it
 * loads the runtime once and keeps it, warm, from one pass over the file to the next (a subset's rerun:
 * subset-rerun.ts). In a pass, batches go in as the file is read, at most IN_FLIGHT ahead of the worker; the
 * shares' parts come back at the end.
 */
export class ShareWorker {
  /** Where the outcome records of the pass under way go (`--log`). */
  onOutcomes: (records: readonly OutcomeRecord[]) => void = () => {};
  private readonly worker: Worker;
  private inFlight = 0;
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private finished: ((parts: SimulationPart[]) => void) | undefined;
  private failed: ((error: Error) => void) | undefined;
  private stopping = false;

  /** `entry`: the worker's code (worker-bundle.ts, workerEntry). */
  constructor(entry: URL, setup: WorkerSetup) {
    this.worker = new Worker(entry, {
      workerData: setup,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (raw: unknown) => {
      const message = FromWorker.parse(raw);
      if (message.type === 'taken') {
        this.inFlight--;
        this.wake();
      } else if (message.type === 'outcomes') this.onOutcomes(message.records);
      else if (message.type === 'parts') this.finished?.(message.parts);
      else this.fail(new Error(message.error));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a worker stopped (exit code ${code})`)));
  }

  /** Opens the shares of a pass (their batches' `own` lists in this order), once the last pass finished. */
  open(shares: readonly ShareSetup[]): void {
    if (this.failure) throw this.failure;
    this.post({ type: 'open', shares: [...shares] });
  }

  /** Hands a batch on, after waiting while the worker has IN_FLIGHT batches it has not taken yet. */
  async take(batch: TextBatch): Promise<void> {
    while (this.inFlight >= IN_FLIGHT && !this.failure)
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    if (this.failure) throw this.failure;
    this.inFlight++;
    this.post(batch);
  }

  /** The parts of the pass's shares, in the order opened, once their clocks have run to the end. */
  async finish(until: number | undefined, daysAfter: number): Promise<SimulationPart[]> {
    if (this.failure) throw this.failure;
    const parts = new Promise<SimulationPart[]>((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
    this.post({ type: 'finish', until: until ?? null, daysAfter });
    try {
      return await parts;
    } finally {
      this.finished = undefined;
      this.failed = undefined;
    }
  }

  /** Stops the worker, whatever it is doing (at the end, or after a share failed). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private fail(error: Error): void {
    // The exit a terminate causes is no failure.
    if (this.stopping) return;
    this.failure ??= error;
    this.failed?.(this.failure);
    this.wake();
  }
}

/** The worker threads of one `cairn simulate`, started once and used by every pass over the file. */
export class WorkerPool {
  readonly workers: readonly ShareWorker[];

  constructor(entry: URL, setup: WorkerSetup, count: number) {
    this.workers = Array.from({ length: count }, () => new ShareWorker(entry, setup));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}
