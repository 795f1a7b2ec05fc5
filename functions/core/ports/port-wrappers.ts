import type { ChannelPort } from './channel.ts';
import type { CustomerStateStore } from './customer-state-store.ts';
import type { PolicyStore } from './policy-store.ts';
import type { SendQueue } from './send-queue.ts';
import type { StateWithSuppressions } from './state-with-suppressions.ts';
import type { TimerStore } from './timer-store.ts';

/** The customer state store as the use cases are handed it (runtime/ingest.ts, ApplyPorts). */
export type StateStorePort = CustomerStateStore & Partial<StateWithSuppressions>;

/**
 * Decorators a machine (the simulator, the local stack) puts around the adapters it hands the use cases, for
 * a harness that injects faults (core/chaos/) or watches what reaches the provider. Each is applied once, to
 * the one adapter of its port; a port left out is handed on as it is.
 */
export type PortWrappers = {
  states?: (store: StateStorePort) => StateStorePort;
  /** The send ledger deliver claims and completes in. */
  policyStore?: (store: PolicyStore) => PolicyStore;
  /** The provider side of deliver: the channel router over every channel's adapter. */
  channel?: (channel: ChannelPort) => ChannelPort;
  sends?: (queue: SendQueue) => SendQueue;
  /** The timer store (the local stack's; the chaos harness follows when timers are due across restarts). */
  timers?: (store: TimerStore) => TimerStore;
};
