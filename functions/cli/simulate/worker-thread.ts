import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { readEventLine } from '../../core/events/event-line.ts';
import type { OutcomeRecord } from '../../core/outcomes/record.ts';
import type { OwnLine } from '../../core/simulate/partition.ts';
import type { CliIo } from '../io.ts';
import { loadSimulationSetup } from '../simulation-setup.ts';
import { loadCallStubs } from './call-stubs.ts';
import { type FromWorker, ShareSetup, type TextBatch, ToWorker } from './protocol.ts';
import { openShare, type Share } from './share.ts';

/** Outcome records handed back per message, so that a worker keeps few of them. */
const OUTCOMES_PER_MESSAGE = 2_000;

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs as a worker thread of cairn simulate');
const post = (message: FromWorker) => port.postMessage(message);

/** The share's own lines parsed here, as the command parsed them to find their customer. */
function parsedBatch(batch: TextBatch) {
  const own: (OwnLine & { index: number })[] = [];
  for (const { index, line, text } of batch.own) {
    const read = readEventLine(text, line);
    if (read?.kind === 'event') own.push({ index, line, id: read.id, value: read.value });
  }
  return { wallNow: batch.wallNow, ats: batch.ats, own };
}

async function open(): Promise<Share> {
  const setup = ShareSetup.parse(workerData);
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
  let buffer: OutcomeRecord[] = [];
  const send = () => {
    if (buffer.length > 0) post({ type: 'outcomes', records: buffer });
    buffer = [];
  };
  const log = setup.log
    ? {
        append: (records: readonly OutcomeRecord[]) => {
          buffer.push(...records);
          if (buffer.length >= OUTCOMES_PER_MESSAGE) send();
        },
        flush: async () => send(),
      }
    : undefined;
  const share = openShare({
    config: loaded.config,
    calls,
    user: setup.user,
    log,
    dir: setup.dir,
    index: setup.index,
    waits: setup.waits,
  });
  return {
    take: (batch) => share.take(batch),
    finish: async (until, daysAfter) => {
      const part = await share.finish(until, daysAfter);
      await log?.flush();
      return part;
    },
  };
}

const opened = open();
// One message at a time, in the order sent: a share's lines must be taken in the file's order.
let queue: Promise<void> = Promise.resolve();
port.on('message', (raw: unknown) => {
  queue = queue
    .then(async () => {
      const share = await opened;
      const message = ToWorker.parse(raw);
      if (message.type === 'lines') {
        await share.take(parsedBatch(message));
        post({ type: 'taken' });
      } else post({ type: 'part', part: await share.finish(message.until ?? undefined, message.daysAfter) });
    })
    .catch((error: unknown) =>
      post({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
});
