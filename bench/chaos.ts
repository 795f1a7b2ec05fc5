// npm run chaos: the chaos harness at full size (docs/runtime.md, "Chaos harness"; figures in docs/benchmarks.md).
// The same generated population without faults and with a seeded schedule of them, on the in-memory ports and
// on the local stack; exits 1 when a message was sent twice, lost, or sent only with faults.
import { parseArgs } from 'node:util';
import { DEFAULT_FAULT_RATES, FAULT_KINDS, type FaultRates } from '../functions/core/chaos/faults.ts';
import { type ChaosMachine, type ChaosReport, runChaos } from '../functions/core/chaos/run.ts';
import { simulatedMachine } from '../functions/core/chaos/simulated.ts';
import type { CustomerEvent } from '../functions/core/events/index.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import type { PortWrappers } from '../functions/core/ports/port-wrappers.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';
import { localMachine } from '../functions/local/chaos.ts';

const USAGE = 'usage: npm run chaos -- [--inputs N] [--local N] [--seed S]  (N 0 skips that machine)';
/** The local stack restarts on its `--data` folder about once every 2,000 inputs. */
const LOCAL_RATES: FaultRates = { ...DEFAULT_FAULT_RATES, restart: 1 / 2_000 };
const JOURNEYS = 'journeys';

function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`--${name} must be a whole number, got ${text}`);
  return value;
}

/** The first `inputs` events of a generated population: about 25 events a customer over 60 days. */
function* population(inputs: number, seed: number): Generator<CustomerEvent> {
  const users = Math.max(10, Math.ceil(inputs / 25));
  let n = 0;
  for (const event of generateEvents({ users, days: 60, seed, start: '2026-09-01' })) {
    if (n++ === inputs) return;
    yield event;
  }
}

async function part(
  name: string,
  inputs: number,
  seed: number,
  machine: (wrap: PortWrappers) => Promise<ChaosMachine>,
  rates: FaultRates,
): Promise<ChaosReport> {
  const started = performance.now();
  const report = await runChaos({
    events: () => population(inputs, seed),
    seed,
    rates,
    daysAfter: 14,
    machine,
    progressEvery: Math.max(1_000, Math.floor(inputs / 20)),
    onProgress: ({ run, inputs: done }) =>
      process.stderr.write(
        `${name}: ${run} ${done.toLocaleString('en-US')} inputs, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  const { comparison: c } = report;
  const faults = FAULT_KINDS.filter((k) => rates[k] > 0).map((k) => `${k} ${report.faults[k]}`);
  console.log(
    `${name}: ${report.events.toLocaleString('en-US')} events, ${report.inputs.toLocaleString('en-US')} inputs with faults`,
  );
  console.log(`  faults injected: ${faults.join(', ')}; undelivered sends redriven ${report.redriven}`);
  console.log(
    `  messages: ${c.expected} without faults, ${c.sent} with; duplicates ${c.duplicates}, lost ${c.lost}, extra ${c.extra}, withheld ${c.withheld} (UNKNOWN after a crash after claim, not resent)`,
  );
  for (const [kind, keys] of Object.entries(c.examples))
    for (const key of keys) console.log(`  ${kind}: ${key}`);
  console.log(
    `  wall time ${seconds.toFixed(1)} s (both runs), peak RSS of the process so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  return report;
}

async function main(): Promise<number> {
  let values: { inputs?: string; local?: string; seed?: string };
  try {
    ({ values } = parseArgs({
      options: { inputs: { type: 'string' }, local: { type: 'string' }, seed: { type: 'string' } },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  let sizes: { inputs: number; local: number; seed: number };
  try {
    sizes = {
      inputs: count('inputs', values.inputs, 1_000_000),
      local: count('local', values.local, 20_000),
      seed: count('seed', values.seed, 1),
    };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const reports: ChaosReport[] = [];
  if (sizes.inputs > 0) {
    const config = await loadRuntimeConfig(JOURNEYS, undefined, 'UTC');
    const machine = simulatedMachine(config);
    reports.push(await part('in-memory ports', sizes.inputs, sizes.seed, machine, DEFAULT_FAULT_RATES));
  }
  if (sizes.local > 0)
    reports.push(await part('local stack', sizes.local, sizes.seed, localMachine(JOURNEYS), LOCAL_RATES));
  const failed = reports.some(({ comparison: c }) => c.duplicates + c.lost + c.extra > 0);
  console.log(failed ? 'chaos: FAILED' : 'chaos: 0 duplicate sends, 0 lost messages');
  return failed ? 1 : 0;
}

process.exitCode = await main();
