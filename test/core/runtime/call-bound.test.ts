import { describe, expect, it } from 'vitest';
import type { CallPort } from '../../../functions/core/ports/call-port.ts';
import type { EnqueuedCall, QueuedCall } from '../../../functions/core/ports/call-queue.ts';
import {
  CALL_CLAIM_MARGIN_MS,
  CALL_SLOT_WAIT_MS,
  type CallPorts,
  performCall,
} from '../../../functions/core/runtime/call.ts';
import { InMemoryCallLedger } from '../../../functions/core/runtime/in-memory-call-ledger.ts';
import { InMemoryCallSlots } from '../../../functions/core/runtime/in-memory-call-slots.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { applyInput } from '../../../functions/core/runtime/ingest.ts';
import { fixedCatalog } from '../../../functions/core/runtime/journey-catalog.ts';
import { applyPorts } from '../../../functions/core/runtime/use-case-ports.ts';
import { customerEvent, journeyFromYaml } from '../../support/journeys.ts';
import { testConfig } from '../../support/simulation.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const CRM = 'https://crm.example.com';

/** A journey whose call to the CRM has the bound given (none when undefined). */
function journey(max: number | undefined) {
  const bound = max === undefined ? '' : `, maxConcurrent: ${max}`;
  return journeyFromYaml(`id: j
name: J
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: lookup, type: call, http: { url: "${CRM}/leads"${bound} }, next: done }
  - { id: done, type: exit }
`);
}

/** One machine in memory, with what goes on the calls queue kept and a caller that counts calls in flight. */
function machine(max: number | undefined, now: () => number) {
  const config = testConfig({ journeys: [journey(max)] });
  const queued: EnqueuedCall[] = [];
  const apply = applyPorts(
    {
      states: new InMemoryCustomerStateStore(),
      timers: new InMemoryTimerStore(),
      sends: { enqueue: async () => {} },
      events: { publish: async () => {} },
      deadLetters: { put: async () => {} },
      calls: {
        enqueue: async (messages) => {
          queued.push(...messages);
        },
      },
    },
    { config, catalogs: fixedCatalog(config.catalog), now },
  );
  const caller = countingCaller();
  const ports: CallPorts = {
    apply,
    ledger: new InMemoryCallLedger(),
    caller,
    slots: new InMemoryCallSlots(),
    now,
  };
  return { ports, queued, caller };
}

/** Answers after a few milliseconds, keeping the most calls it had in flight at once. */
function countingCaller(): CallPort & { requests: number; mostInFlight: number } {
  let inFlight = 0;
  const caller = {
    requests: 0,
    mostInFlight: 0,
    async call() {
      caller.requests++;
      inFlight++;
      caller.mostInFlight = Math.max(caller.mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { ok: true as const, answer: {} };
    },
  };
  return caller;
}

async function signUps(users: readonly string[], ports: CallPorts, queued: EnqueuedCall[]) {
  for (const user of users)
    await applyInput(
      user,
      { kind: 'event', event: customerEvent('Signed Up', user, T0) },
      ports.apply,
      'test',
    );
  return queued.splice(0).map((q) => q.call);
}

const USERS = ['ana', 'ben', 'cy', 'dee', 'eve'];

describe('performCall with a bound on its target', () => {
  it('never has two calls in flight to a target with maxConcurrent 1, however many arrive at once', async () => {
    // Prepare
    let now = T0;
    const { ports, queued, caller } = machine(1, () => now);
    const calls = await signUps(USERS, ports, queued);

    // Act: five deliveries at once, as five calls function instances would take them; then the ones put back.
    const first = await Promise.all(calls.map((call) => performCall(call, ports, 'test')));
    const putBack = queued.splice(0);
    now += CALL_SLOT_WAIT_MS;
    const later: string[] = [];
    let pending: QueuedCall[] = putBack.map((q) => q.call);
    while (pending.length > 0) {
      const results = await Promise.all(pending.map((call) => performCall(call, ports, 'test')));
      later.push(...results.map((r) => r.status));
      pending = queued.splice(0).map((q) => q.call);
      now += CALL_SLOT_WAIT_MS;
    }

    // Assess
    expect(calls[0]?.intent.limit).toEqual({ target: CRM, max: 1 });
    expect(caller.mostInFlight).toBe(1);
    expect(first.map((r) => r.status).sort()).toEqual(['answered', ...Array(4).fill('throttled')]);
    expect(putBack.map((q) => [q.delaySeconds, q.call.attempt])).toEqual(Array(4).fill([2, 1]));
    expect(later.filter((s) => s === 'answered')).toHaveLength(4);
    expect(caller.requests).toBe(5);
  });

  it('has them all in flight at once without a bound', async () => {
    // Prepare
    const { ports, queued, caller } = machine(undefined, () => T0);
    const calls = await signUps(USERS, ports, queued);

    // Act
    const results = await Promise.all(calls.map((call) => performCall(call, ports, 'test')));

    // Assess
    expect(calls[0]?.intent.limit).toBeUndefined();
    expect(results.every((r) => r.status === 'answered')).toBe(true);
    expect(caller.mostInFlight).toBe(5);
  });

  it('waits for a crashed holder slot until its lease ends, and counts no attempt meanwhile', async () => {
    // Prepare: a worker took the only slot and crashed before giving it back.
    let now = T0;
    const { ports, queued, caller } = machine(1, () => now);
    const [call] = await signUps(['ana'], ports, queued);
    if (!call) throw new Error('no call queued');
    const lease = T0 + call.intent.timeoutMs + CALL_CLAIM_MARGIN_MS;
    await ports.slots.acquire(CRM, 'crashed-worker-call', 1, T0, lease);

    // Act
    const during = await performCall(call, ports, 'test');
    const claimWhileWaiting = await ports.ledger.claimOf(call.intent.callId);
    now = lease;
    const after = await performCall(queued.splice(0)[0]?.call ?? call, ports, 'test');

    // Assess
    expect(during).toMatchObject({ status: 'throttled', attempt: 1 });
    expect(claimWhileWaiting).toBeUndefined();
    expect(after).toMatchObject({ status: 'answered', attempt: 1 });
    expect(caller.requests).toBe(1);
    expect(await ports.slots.acquire(CRM, 'next', 1, now, now + 1)).toBe(true);
  });
});
