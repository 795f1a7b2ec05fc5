import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { CallStub } from '../../core/calls/stubs.ts';
import { readEventLine } from '../../core/events/event-line.ts';
import type { OutcomeRecord } from '../../core/outcomes/record.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import type { LineBatch, OwnLine } from '../../core/simulate/partition.ts';
import type { CliIo } from '../io.ts';
import { loadSimulationSetup } from '../simulation-setup.ts';
import { loadCallStubs } from './call-stubs.ts';
import { type FromWorker, type ShareSetup, type TextBatch, ToWorker, WorkerSetup } from './protocol.ts';
import { openShare, type Share } from './share.ts';

/** Outcome records handed back per message, so that a worker keeps few of them. */
const OUTCOMES_PER_MESSAGE = 2_000;

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs as a worker thread of cairn simulate');
const post = (message: FromWorker) => port.postMessage(message);

/** A share's own lines parsed here, as the command parsed them to find their customer. */
function parsedBatch(batch: TextBatch, own: TextBatch['own'][number]): LineBatch {
  const lines: (OwnLine & { index: number })[] = [];
  for (const { index, line, text } of own) {
    const read = readEventLine(text, line);
    if (read?.kind === 'event') lines.push({ index, line, id: read.id, value: read.value });
  }
  return { wallNow: batch.wallNow, ats: batch.ats, own: lines };
}

type Loaded = { config: RuntimeConfig; calls: readonly CallStub[] | undefined; user: string | undefined };

/** The journeys, policies and stubs, loaded once: every pass's shares run on them. */
async function load(): Promise<Loaded> {
  const setup = WorkerSetup.parse(workerData);
  const problems: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (s) => problems.push(s),
    readFile: (f) => readFile(f, 'utf8'),
  };
  const loaded = await loadSimulationSetup(setup, io, 'simulate');
  const calls = setup.calls === undefined ? undefined : await loadCallStubs(setup.calls, io);
  if (typeof loaded === 'number' || typeof calls === 'number')
    throw new Error(`the worker could not load what the command loaded: ${problems.join('; ')}`);
  return { config: loaded.config, calls, user: setup.user };
}

let buffer: OutcomeRecord[] = [];
const sendOutcomes = () => {
  if (buffer.length > 0) post({ type: 'outcomes', records: buffer });
  buffer = [];
};
const log = {
  append: (records: readonly OutcomeRecord[]) => {
    buffer.push(...records);
    if (buffer.length >= OUTCOMES_PER_MESSAGE) sendOutcomes();
  },
  flush: async () => sendOutcomes(),
};

/** The shares of one pass, opened on the loaded runtime. */
function open(loaded: Loaded, setups: readonly ShareSetup[]): Share[] {
  return setups.map((setup) =>
    openShare({
      config: loaded.config,
      calls: loaded.calls,
      user: loaded.user,
      log: setup.log ? log : undefined,
      dir: setup.dir,
      index: setup.index,
      waits: setup.waits,
      records: setup.records,
      hotStateChars: setup.hotStateChars,
    }),
  );
}

const loading = load();
let shares: Share[] = [];
// One message at a time, in the order sent: a share's lines must be taken in the file's order.
let queue: Promise<void> = Promise.resolve();
port.on('message', (raw: unknown) => {
  queue = queue
    .then(async () => {
      const message = ToWorker.parse(raw);
      if (message.type === 'open') shares = open(await loading, message.shares);
      else if (message.type === 'lines') {
        for (const [at, share] of shares.entries())
          await share.take(parsedBatch(message, message.own[at] ?? []));
        post({ type: 'taken' });
      } else {
        const parts = [];
        for (const share of shares)
          parts.push(await share.finish(message.until ?? undefined, message.daysAfter));
        shares = [];
        await log.flush();
        post({ type: 'parts', parts });
      }
    })
    .catch((error: unknown) =>
      post({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
});
