import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosMachine } from '../core/chaos/run.ts';
import type { CustomerEvent } from '../core/events/index.ts';
import type { DeadLetter } from '../core/ports/dead-letters.ts';
import type { PortWrappers } from '../core/ports/port-wrappers.ts';
import type { TimerStore } from '../core/ports/timer-store.ts';
import { VirtualClock } from '../core/runtime/clock.ts';
import { runUntil, SWEEP_INTERVAL_MS } from '../core/runtime/drive.ts';
import { ObservedTimerStore } from './observed-timers.ts';
import { replayEntries } from './replay.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

/**
 * The local stack as a chaos machine: the real handlers on dynalite, with `--data` in a folder of its own, so
 * that a restart (stop, then start on the same folder) keeps the table and the queue journals. Events go in
 * through the PutEvents endpoint with the real EventBridge client, each with its own id (a redelivered copy
 * keeps it), at its arrival on virtual time. The folder is removed when the machine stops.
 */
export function localMachine(journeysDir: string): (wrap: PortWrappers) => Promise<ChaosMachine> {
  return async (wrap) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cairn-chaos-'));
    let clock: VirtualClock | undefined;
    let stack: LocalStack | undefined;
    // Due times of the timers in the table, kept across restarts (the table keeps the timers themselves).
    const due = new Map<string, number>();
    let observed = new ObservedTimerStore(noTimers, due);
    // Letters of the stacks before a restart: a new stack starts with none.
    const earlier: DeadLetter[] = [];
    const start = (on: VirtualClock) =>
      startLocalStack({
        journeysDir,
        clock: on,
        dataDir,
        wrap: {
          ...wrap,
          timers: (store) => {
            observed = new ObservedTimerStore(store, due);
            return observed;
          },
        },
      });
    const running = async (at: number): Promise<{ stack: LocalStack; clock: VirtualClock }> => {
      // The clock starts at the first event, as a replay's does.
      clock ??= new VirtualClock(at);
      stack ??= await start(clock);
      return { stack, clock };
    };
    return {
      async put(event, at) {
        const machine = await running(at);
        await replayEntries(
          machine.stack,
          machine.clock,
          [entryOf(event, at)],
          undefined,
          undefined,
          () => at,
        );
      },
      async runTo(at) {
        const machine = await running(at);
        // A replay's stack knows when timers are due only from those it scheduled (observed-timers.ts); the
        // harness follows them across restarts too, and sweeps at each one's minute, as the schedule would.
        for (let due = observed.nextDueAt(); due !== undefined; ) {
          const minute = Math.ceil(due / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS;
          if (minute > at) break;
          await runUntil(machine.stack, machine.clock, minute);
          await machine.stack.sweepTimers();
          const next = observed.nextDueAt();
          // A timer that failed stays pending: it is tried again at the next step, not in a loop here.
          due = next === due ? undefined : next;
        }
        await runUntil(machine.stack, machine.clock, at);
      },
      deadLetters: () =>
        earlier.length === 0 ? (stack?.deadLetters ?? []) : [...earlier, ...(stack?.deadLetters ?? [])],
      redriveSend: async (intent) => stack?.redriveSend(intent),
      async restart() {
        if (!stack || !clock) return;
        earlier.push(...stack.deadLetters);
        await stack.stop();
        stack = await start(clock);
      },
      async stop() {
        await stack?.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  };
}

/** No timers: what the harness follows before the first stack starts. */
const noTimers: TimerStore = {
  schedule: async () => {},
  cancel: async () => {},
  due: async () => [],
  done: async () => {},
};

/** The event as an app puts it: its own id rides along as a replay does (functions/local/endpoint.ts). */
function entryOf(event: CustomerEvent, at: number) {
  return {
    line: 0,
    id: event.id,
    at,
    entry: {
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Time: new Date(event.time),
      ...(event.resources.length > 0 ? { Resources: event.resources } : {}),
    },
  };
}
