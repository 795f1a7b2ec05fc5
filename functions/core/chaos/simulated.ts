import type { PortWrappers } from '../ports/port-wrappers.ts';
import type { RuntimeConfig } from '../runtime/config.ts';
import { Simulation } from '../simulate/simulation.ts';
import type { ChaosMachine } from './run.ts';

/** The simulator (the use cases on in-memory ports) as a chaos machine, keeping no rendered message. */
export function simulatedMachine(config: RuntimeConfig): (wrap: PortWrappers) => Promise<ChaosMachine> {
  return async (wrap) => {
    const simulation = new Simulation({ config, wrap, keepSent: false });
    return {
      put: (event, at) => simulation.put(event, at),
      runTo: (at) => simulation.runTo(at),
      deadLetters: () => simulation.deadLetters,
      redriveSend: async (intent) => simulation.redriveSend(intent),
      stop: async () => {},
    };
  };
}
