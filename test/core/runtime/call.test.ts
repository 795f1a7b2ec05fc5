import { describe, expect, it } from 'vitest';
import type { CallStub } from '../../../functions/core/calls/stubs.ts';
import type { CallPort } from '../../../functions/core/ports/call-port.ts';
import type { EnqueuedCall } from '../../../functions/core/ports/call-queue.ts';
import { performCall } from '../../../functions/core/runtime/call.ts';
import { InMemoryCallLedger } from '../../../functions/core/runtime/in-memory-call-ledger.ts';
import { InMemoryCallSlots } from '../../../functions/core/runtime/in-memory-call-slots.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { applyInput } from '../../../functions/core/runtime/ingest.ts';
import { fixedCatalog } from '../../../functions/core/runtime/journey-catalog.ts';
import { applyPorts } from '../../../functions/core/runtime/use-case-ports.ts';
import type { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { customerEvent, journeyFromYaml, MINUTE } from '../../support/journeys.ts';
import { simulationOf, testConfig } from '../../support/simulation.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/** A journey that calls, keeps `tier`, and sends `gold` or `other` by it; `call` replaces the call's fields. */
function journey(call = 'http: { url: "https://crm.example.com/x", body: "{{ profile.traits.email }}" }') {
  return journeyFromYaml(`id: j
name: J
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: lookup, type: call, ${call}, saveAs: { tier: lead.tier }, next: route, onFailure: failed }
  - id: route
    type: branch
    branches: [{ when: { saved: { tier: [gold] } }, next: gold }]
    default: other
  - { id: gold, type: send, channel: email, template: gold }
  - { id: other, type: send, channel: email, template: other }
  - { id: failed, type: send, channel: email, template: failed }
`);
}

async function run(stubs: CallStub[], call?: string): Promise<Simulation> {
  const simulation = simulationOf({ journeys: [journey(call)] }, { calls: stubs });
  await simulation.processEvent(
    customerEvent('Signed Up', 'ana', T0, {}, { traits: { email: 'ana@example.com' } }),
  );
  await simulation.finish(T0 + 60 * MINUTE);
  return simulation;
}

const sentSteps = (simulation: Simulation) => [...simulation.tally.messages.values()].map((m) => m.stepId);
const onlyCall = (simulation: Simulation) => [...simulation.tally.calls.values()][0];

describe('the call step in the simulator', () => {
  it('keeps the saved fields on the enrollment and branches on them', async () => {
    // Act
    const simulation = await run([{ step: 'lookup', answer: { lead: { tier: 'gold' } } }]);

    // Assess
    expect(sentSteps(simulation)).toEqual(['gold']);
    expect(onlyCall(simulation)).toMatchObject({ ok: true, saved: ['tier'], attempts: 1 });
    expect(simulation.caller.requests[0]?.target).toMatchObject({ kind: 'http', body: 'ana@example.com' });
    expect(simulation.caller.requests[0]?.idempotencyKey).toMatch(/^j:ana:.+:lookup:1$/);
  });

  it('takes onFailure with answer_too_large when the saved fields would pass the bound', async () => {
    // Act
    const simulation = await run([{ step: 'lookup', answer: { lead: { tier: 'x'.repeat(3000) } } }]);

    // Assess
    expect(sentSteps(simulation)).toEqual(['failed']);
    expect(onlyCall(simulation)).toMatchObject({ ok: false, reason: 'answer_too_large' });
  });

  it('fails without a request when the body cannot render', async () => {
    // Act
    const simulation = await run(
      [{ step: 'lookup', answer: {} }],
      'http: { url: "https://crm.example.com/x", body: "{{ profile.traits.phone }}" }',
    );

    // Assess
    expect(simulation.caller.requests).toEqual([]);
    expect(sentSteps(simulation)).toEqual(['failed']);
    expect(onlyCall(simulation)?.reason).toMatch(/^render-failed: undefined variable: profile.traits.phone/);
  });

  it('renders the strings of a Lambda payload', async () => {
    // Act
    const simulation = await run(
      [{ step: 'lookup', answer: { lead: { tier: 'silver' } } }],
      'lambda: { function: score, payload: { email: "{{ profile.traits.email }}", n: 1 } }',
    );

    // Assess
    expect(simulation.caller.requests[0]?.target).toEqual({
      kind: 'lambda',
      function: 'score',
      payload: { email: 'ana@example.com', n: 1 },
    });
    expect(sentSteps(simulation)).toEqual(['other']);
  });
});

/** The ports of one machine in memory, with the calls the engine puts on the calls queue kept. */
function machine(now: () => number) {
  const config = testConfig({ journeys: [journey()] });
  const queued: EnqueuedCall[] = [];
  const timers = new InMemoryTimerStore();
  const apply = applyPorts(
    {
      states: new InMemoryCustomerStateStore(),
      timers,
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
  return { apply, queued, timers };
}

const signUp = (userId: string) => ({
  kind: 'event' as const,
  event: customerEvent('Signed Up', userId, T0, {}, { traits: { email: `${userId}@example.com` } }),
});

describe('performCall', () => {
  it('takes onFailure with no_answer_in_time when the answer never comes, and ignores a late answer', async () => {
    // Prepare: the call is queued and never run; the safety timer comes due.
    let now = T0;
    const { apply, queued, timers } = machine(() => now);
    await applyInput('ana', signUp('ana'), apply, 'test');
    const [call] = queued;
    const [timer] = await timers.due(Number.POSITIVE_INFINITY, 10);
    if (!call || !timer) throw new Error('no call queued');

    // Act
    now = timer.dueAt;
    const fired = await applyInput('ana', { kind: 'timer', timer }, apply, 'test');
    const late = await performCall(
      call.call,
      {
        apply,
        ledger: new InMemoryCallLedger(),
        caller: stub(),
        slots: new InMemoryCallSlots(),
        now: () => now,
      },
      'test',
    );

    // Assess: every attempt, backoff and the queue margin; then onFailure, and the late answer changes nothing.
    expect(timer.dueAt).toBe(T0 + 3 * 10_000 + 30_000 + 15 * MINUTE);
    expect(fired.effects).toContainEqual(
      expect.objectContaining({ type: 'call-answered', ok: false, reason: 'no_answer_in_time' }),
    );
    expect(late.applied?.effects).toContainEqual(
      expect.objectContaining({ type: 'ignored', reason: 'unknown-enrollment' }),
    );
  });

  it('reports an unknown outcome after a crash, or calls again with the same key when the step says retry', async () => {
    // Prepare: open claims of long ago, as a worker that crashed after the request leaves them.
    const now = T0 + 5 * MINUTE;
    const { apply, queued } = machine(() => now);
    await applyInput('ana', signUp('ana'), apply, 'test');
    await applyInput('ben', signUp('ben'), apply, 'test');
    const [ana, ben] = queued.map((q) => q.call);
    if (!ana || !ben) throw new Error('no calls queued');
    const ledger = new InMemoryCallLedger();
    await ledger.claim(ana.intent.callId, T0);
    await ledger.claim(ben.intent.callId, T0);
    const caller = stub();
    const ports = { apply, ledger, caller, slots: new InMemoryCallSlots(), now: () => now };

    // Act
    const failed = await performCall(ana, ports, 'test');
    const retried = await performCall(
      { ...ben, intent: { ...ben.intent, onUnknown: 'retry' } },
      ports,
      'test',
    );

    // Assess
    expect(failed).toMatchObject({ status: 'failed', reason: 'unknown_outcome' });
    expect(retried.status).toBe('answered');
    expect(caller.keys).toEqual([ben.intent.idempotencyKey]);
    expect((await ledger.claimOf(ben.intent.callId))?.attempt).toBe(2);
  });

  it('applies a recorded answer again without calling when the call is delivered twice', async () => {
    // Prepare
    const { apply, queued } = machine(() => T0);
    await applyInput('ana', signUp('ana'), apply, 'test');
    const [ana] = queued.map((q) => q.call);
    if (!ana) throw new Error('no call queued');
    const caller = stub();
    const ports = {
      apply,
      ledger: new InMemoryCallLedger(),
      caller,
      slots: new InMemoryCallSlots(),
      now: () => T0,
    };

    // Act
    const first = await performCall(ana, ports, 'test');
    const second = await performCall(ana, ports, 'test');

    // Assess
    expect(first.status).toBe('answered');
    expect(second.status).toBe('duplicate');
    expect(second.applied?.duplicate).toBe(true);
    expect(caller.keys).toHaveLength(1);
  });
});

/** A caller that answers `gold` and keeps the idempotency keys it was given. */
function stub(): CallPort & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async call(request) {
      keys.push(request.idempotencyKey);
      return { ok: true, answer: { lead: { tier: 'gold' } } };
    },
  };
}
