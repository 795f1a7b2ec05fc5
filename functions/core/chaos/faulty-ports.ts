import type { ChannelPort } from '../ports/channel.ts';
import type { PortWrappers, StateStorePort } from '../ports/port-wrappers.ts';
import { MAX_DELAY_SECONDS, type SendQueue } from '../ports/send-queue.ts';
import { type FaultPlan, InjectedFault } from './faults.ts';
import type { ProviderWatch } from './provider-watch.ts';

/**
 * The state store with faults: a conditional write that conflicts (nothing written), and a write that lands
 * and then fails (crash after state write: the caller cannot tell it landed).
 */
export function faultyStates(inner: StateStorePort, plan: FaultPlan): StateStorePort {
  const loadWithSuppressions = inner.loadWithSuppressions?.bind(inner);
  return {
    load: (userId) => inner.load(userId),
    ...(loadWithSuppressions ? { loadWithSuppressions } : {}),
    async save(state, expectedVersion, maxBytes) {
      if (plan.strikes('state-conflict')) return { ok: false, reason: 'conflict' };
      const saved = await inner.save(state, expectedVersion, maxBytes);
      if (saved.ok && plan.strikes('crash-after-state-write'))
        throw new InjectedFault('crash-after-state-write');
      return saved;
    },
  };
}

/**
 * The provider with faults, as deliver calls it after the send ledger's claim: the process dies before the
 * call (crash after claim, told to `watch`), the provider stays throttled through the adapter's retries
 * (refused for now; it does not have the message), or it takes the message and its answer never comes (a
 * timeout: the call throws).
 */
export function faultyChannel(inner: ChannelPort, plan: FaultPlan, watch: ProviderWatch): ChannelPort {
  return {
    async send(message) {
      if (plan.strikes('crash-after-claim')) {
        watch.withhold(message);
        throw new InjectedFault('crash-after-claim');
      }
      if (plan.strikes('provider-throttled'))
        return { ok: false, permanent: false, reason: 'retries-exhausted: ThrottlingException (injected)' };
      const result = await inner.send(message);
      if (plan.strikes('provider-timeout')) throw new InjectedFault('provider-timeout');
      return result;
    },
  };
}

/** The send queue with at-least-once delivery: a message sometimes comes a second time, up to 15 minutes later. */
export function faultySendQueue(inner: SendQueue, plan: FaultPlan): SendQueue {
  return {
    async enqueue(messages) {
      await inner.enqueue(messages);
      const again = messages.filter(() => plan.strikes('duplicate-send'));
      if (again.length > 0)
        await inner.enqueue(
          again.map((m) => ({ ...m, delaySeconds: plan.between(m.delaySeconds, MAX_DELAY_SECONDS) })),
        );
    },
  };
}

/**
 * Every fault of the ports, drawn from `plan`, around the provider as `watch` watches it: the provider
 * innermost, so that a throttled message never reaches it and a timed-out one does.
 */
export function faultyPorts(plan: FaultPlan, watch: ProviderWatch): PortWrappers {
  return {
    states: (store) => faultyStates(store, plan),
    channel: (channel) => faultyChannel(watch.watch(channel), plan, watch),
    sends: (queue) => faultySendQueue(queue, plan),
  };
}
