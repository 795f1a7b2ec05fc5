import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { processInput } from '../../functions/core/engine/engine.ts';
import { PRINT_CHARS } from '../../functions/core/engine/seen.ts';
import {
  type CustomerState,
  newCustomerState,
  stateFromTrustedText,
} from '../../functions/core/engine/state.ts';
import type { CustomerStateStore } from '../../functions/core/ports/customer-state-store.ts';
import { readProcessWrite } from '../../functions/core/runtime/read-process-write.ts';
import {
  type SampleSetup,
  sampleEvents,
  sampleSetup,
  statesAfterEachEvent,
} from '../core/runtime/sample-states.ts';
import { customerEvent, MINUTE } from '../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/**
 * A state as JSON keeps it, which is what a store promises to give back: the same JSON value. The one
 * difference from the object is that JSON has no -0 (the engine makes one from a refund of 0), so it reads
 * back as 0; arithmetic cannot tell them apart. Its `seen` reads back in its in-memory form, a SeenMemory
 * (engine/seen-memory.ts), as every load gives it.
 */
function asJson(state: CustomerState | undefined): unknown {
  return state === undefined ? undefined : stateFromTrustedText(JSON.stringify(state));
}

/** Saves states of one customer one after the other, each over the version the previous save returned. */
async function saveInTurn(store: CustomerStateStore, states: readonly CustomerState[]): Promise<void> {
  const versions = new Map<string, number>();
  for (const state of states) {
    const saved = await store.save(state, versions.get(state.userId));
    if (!saved.ok) throw new Error(`unexpected conflict saving ${state.userId}`);
    versions.set(state.userId, saved.version);
  }
}

type Step = {
  kind: 'Signed Up' | 'Product Viewed' | 'Product Added' | 'Order Completed' | 'Order Refunded';
  cart: string;
  gapMinutes: number;
  name: string;
  amount: number;
};

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('Signed Up', 'Product Viewed', 'Product Added', 'Order Completed', 'Order Refunded'),
  cart: fc.constantFrom('c1', 'c2', 'c3'),
  gapMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  // Any code point, emoji and astral planes included: the store must keep text exactly.
  name: fc.string({ unit: 'binary', maxLength: 12 }),
  amount: fc.double({ min: 0, max: 5000, noNaN: true }),
});

/** The states one customer goes through when these events reach the engine. */
function statesThrough(setup: SampleSetup, userId: string, steps: readonly Step[]): CustomerState[] {
  let state = newCustomerState(userId);
  let now = T0;
  const states: CustomerState[] = [];
  for (const step of steps) {
    now += step.gapMinutes * MINUTE;
    const properties = {
      cartId: step.cart,
      orderId: `o-${step.cart}`,
      revenue: step.amount,
      name: step.name,
    };
    const event = customerEvent(step.kind, userId, now, properties, {
      traits: { firstName: step.name, email: `${userId}@example.com`, timezone: 'Europe/Paris' },
    });
    state = processInput(state, { kind: 'event', event }, { now, defaultTimezone: 'UTC', ...setup }).state;
    states.push(state);
  }
  return states;
}

/**
 * The behaviour every CustomerStateStore must have. The in-memory store runs it in
 * test/core/runtime/in-memory-customer-state-store.test.ts, the DynamoDB store on dynalite in
 * test/adapters/dynamodb/customer-state-store.test.ts. Each call of `makeStore` gives an empty store.
 */
export function customerStateStoreContract(
  name: string,
  makeStore: () => CustomerStateStore | Promise<CustomerStateStore>,
): void {
  describe(`CustomerStateStore contract: ${name}`, () => {
    let setup: SampleSetup;
    beforeAll(async () => {
      setup = await sampleSetup();
    });

    it('has no state for a customer never saved', async () => {
      // Prepare
      const store = await makeStore();
      await store.save(newCustomerState('ana'), undefined);

      // Act
      const loaded = await store.load('ben');

      // Assess
      expect(loaded).toBeUndefined();
    });

    it('gives back every state of the sample events exactly as saved, at the version it returned', async () => {
      // Prepare
      const store = await makeStore();
      const states = await statesAfterEachEvent(setup, await sampleEvents());
      const finals = new Map(states.map((s) => [s.userId, s]));
      await saveInTurn(store, states);

      // Act
      const loaded = await Promise.all([...finals.keys()].map((userId) => store.load(userId)));

      // Assess
      expect(finals.size).toBeGreaterThan(3);
      expect(loaded.map((l) => l?.state)).toEqual([...finals.values()].map(asJson));
      const saves = (userId: string) => states.filter((s) => s.userId === userId).length;
      expect(loaded.map((l) => l?.version)).toEqual([...finals.keys()].map(saves));
    });

    it('gives back the states of any sequence of events exactly as saved', async () => {
      const store = await makeStore();
      let customers = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
          // Prepare
          const userId = `prop-${++customers}`;
          const states = statesThrough(setup, userId, steps);
          await saveInTurn(store, states);

          // Act
          const loaded = await store.load(userId);

          // Assess
          expect(loaded).toEqual({ state: asJson(states.at(-1)), version: states.length });
        }),
        { numRuns: 25 },
      );
    });

    it('starts at version 1 and moves up by one per save', async () => {
      // Prepare
      const store = await makeStore();
      const [first, second, third] = statesThrough(setup, 'ana', [
        { kind: 'Signed Up', cart: 'c1', gapMinutes: 0, name: 'Ana', amount: 0 },
        { kind: 'Product Added', cart: 'c1', gapMinutes: 5, name: 'Ana', amount: 0 },
        { kind: 'Order Completed', cart: 'c1', gapMinutes: 5, name: 'Ana', amount: 42.5 },
      ]);
      if (!first || !second || !third) throw new Error('expected three states');

      // Act
      const saves = [
        await store.save(first, undefined),
        await store.save(second, 1),
        await store.save(third, 2),
      ];

      // Assess
      expect(saves).toEqual([
        { ok: true, version: 1 },
        { ok: true, version: 2 },
        { ok: true, version: 3 },
      ]);
      expect(await store.load('ana')).toEqual({ state: third, version: 3 });
    });

    it('refuses a save over a version that is no longer the stored one, and keeps the stored state', async () => {
      // Prepare
      const store = await makeStore();
      const [first, second, third] = statesThrough(setup, 'ana', [
        { kind: 'Signed Up', cart: 'c1', gapMinutes: 0, name: 'Ana', amount: 0 },
        { kind: 'Product Added', cart: 'c1', gapMinutes: 5, name: 'Ana', amount: 0 },
        { kind: 'Product Added', cart: 'c2', gapMinutes: 5, name: 'Ana', amount: 0 },
      ]);
      if (!first || !second || !third) throw new Error('expected three states');
      await store.save(first, undefined);
      await store.save(second, 1);

      // Act
      const stale = await store.save(third, 1);
      const ahead = await store.save(third, 7);
      const recreate = await store.save(third, undefined);
      const onMissing = await store.save(newCustomerState('ben'), 1);

      // Assess
      for (const result of [stale, ahead, recreate, onMissing])
        expect(result).toEqual({ ok: false, reason: 'conflict' });
      expect(await store.load('ana')).toEqual({ state: second, version: 2 });
      expect(await store.load('ben')).toBeUndefined();
    });

    it('refuses a state whose JSON passes the bytes it is given, in UTF-8, with its size, and writes nothing', async () => {
      // Prepare: a name of two-byte characters, so that UTF-8 bytes and characters differ
      const store = await makeStore();
      const [first, second] = statesThrough(setup, 'ana', [
        { kind: 'Signed Up', cart: 'c1', gapMinutes: 0, name: 'Zoë Ødegård'.repeat(40), amount: 0 },
        { kind: 'Product Added', cart: 'c1', gapMinutes: 5, name: 'Zoë Ødegård'.repeat(40), amount: 0 },
      ]);
      if (!first || !second) throw new Error('expected two states');
      const bytes = (state: CustomerState) => Buffer.byteLength(JSON.stringify(state), 'utf8');

      // Act
      const over = await store.save(first, undefined, bytes(first) - 1);
      const absent = await store.load('ana');
      const atLimit = await store.save(first, undefined, bytes(first));
      const overNext = await store.save(second, 1, bytes(second) - 1);

      // Assess
      expect(bytes(first)).toBeGreaterThan(JSON.stringify(first).length);
      expect(over).toEqual({ ok: false, reason: 'too-large', bytes: bytes(first) });
      expect(absent).toBeUndefined();
      expect(atLimit).toEqual({ ok: true, version: 1 });
      expect(overNext).toEqual({ ok: false, reason: 'too-large', bytes: bytes(second) });
      expect(asJson((await store.load('ana'))?.state)).toEqual(asJson(first));
    });

    it('lets exactly one of 20 concurrent first saves of a customer win', async () => {
      // Prepare
      const store = await makeStore();
      const states = Array.from({ length: 20 }, (_, i) => ({
        ...newCustomerState('ana'),
        processed: [i],
      }));

      // Act
      const results = await Promise.all(states.map((s) => store.save(s, undefined)));

      // Assess
      const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await store.load('ana')).toEqual({ state: states[winners[0] ?? -1], version: 1 });
    });

    it('keeps every one of 20 concurrent read-process-write updates of one customer', async () => {
      // Prepare
      const store = await makeStore();
      const events = Array.from({ length: 20 }, (_, i) =>
        customerEvent(
          'Product Viewed',
          'ana',
          T0 + i,
          { productId: `p${i}` },
          { traits: { [`seen${i}`]: 'yes' } },
        ),
      );

      // Act
      const results = await Promise.all(
        events.map((event) =>
          readProcessWrite(
            'ana',
            { kind: 'event', event },
            {
              store,
              context: () => ({ now: T0 + 1000, defaultTimezone: 'UTC', ...setup }),
              // Each lost attempt is lost to a distinct save of another writer (the retry reads after that
              // save), so 20 writers need at most 20 attempts each: no update can be lost to the bound.
              maxAttempts: 20,
            },
          ),
        ),
      );

      // Assess
      const stored = await store.load('ana');
      expect(stored?.version).toBe(20);
      expect(Object.keys(stored?.state.profile.traits ?? {}).sort()).toEqual(
        events.map((_, i) => `seen${i}`).sort(),
      );
      expect(stored?.state.seen?.prints.join('')).toHaveLength(20 * PRINT_CHARS);
      expect(results.map((r) => r.version).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('remembers an applied input through saves, so that it is not applied again 60 inputs and 30 days later', async () => {
      // Prepare: an order, then 60 other events over 30 days, each read, processed and written through the store.
      const store = await makeStore();
      const setup = await sampleSetup();
      const apply = (event: ReturnType<typeof customerEvent>, now: number) =>
        readProcessWrite(
          'ana',
          { kind: 'event', event },
          {
            store,
            context: () => ({ now, defaultTimezone: 'UTC', ...setup }),
          },
        );
      const order = customerEvent('Order Completed', 'ana', T0, { revenue: 600 }, { eventId: 'order-1' });
      await apply(order, T0);
      for (let i = 1; i <= 60; i++) {
        const at = T0 + i * 12 * 60 * MINUTE;
        await apply(customerEvent('Product Viewed', 'ana', at, {}, { eventId: `view-${i}` }), at);
      }
      const before = await store.load('ana');

      // Act
      const again = await apply(order, T0 + 30 * 24 * 60 * MINUTE);

      // Assess
      expect(again.effects).toMatchObject([{ type: 'ignored', reason: 'duplicate-input' }]);
      expect(again.written).toBe(false);
      expect(await store.load('ana')).toEqual(before);
      expect(before?.state.profile.purchases?.orders).toBe(1);
    });

    it('keeps customers apart', async () => {
      // Prepare
      const store = await makeStore();
      const ana = { ...newCustomerState('ana'), processed: [1] };
      const ben = { ...newCustomerState('ben'), processed: [2] };

      // Act
      const saves = [await store.save(ana, undefined), await store.save(ben, undefined)];

      // Assess
      expect(saves).toEqual([
        { ok: true, version: 1 },
        { ok: true, version: 1 },
      ]);
      expect(await store.load('ana')).toEqual({ state: ana, version: 1 });
      expect(await store.load('ben')).toEqual({ state: ben, version: 1 });
    });
  });
}
