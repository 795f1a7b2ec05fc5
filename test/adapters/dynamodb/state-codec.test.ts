import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { stateItem } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { itemSize, READ_UNIT_BYTES } from '../../../functions/adapters/dynamodb/item-size.ts';
import {
  decodeState,
  encodeState,
  STATE_DICTIONARY_V1,
  STATE_DICTIONARY_V2,
  STATE_DICTIONARY_V3,
} from '../../../functions/adapters/dynamodb/state-codec.ts';
import { type CustomerState, stateFromTrustedText } from '../../../functions/core/engine/state.ts';
import {
  generatedEvents,
  sampleEvents,
  sampleSetup,
  statesAfterEachEvent,
} from '../../core/runtime/sample-states.ts';
import { storedInFormat } from './older-formats.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

let states: CustomerState[];
beforeAll(async () => {
  const setup = await sampleSetup();
  states = [
    ...(await statesAfterEachEvent(setup, await sampleEvents())),
    ...(await statesAfterEachEvent(setup, generatedEvents(40, 30))),
  ];
});

describe('the stored form of a customer state', () => {
  it('decodes to the state that was encoded, for every state of the sample and generated events', () => {
    // Act
    const decoded = states.map((s) => decodeState(encodeState(s)));

    // Assess
    expect(states.length).toBeGreaterThan(1000);
    expect(decoded).toEqual(states.map((s) => stateFromTrustedText(JSON.stringify(s))));
  });

  it('keeps every sample state item within one read unit, and at most half the size of its JSON', () => {
    // Act
    const sizes = states.map((s) => itemSize(stateItem(s, 1)));
    const jsonSizes = states.map((s) => Buffer.byteLength(JSON.stringify(s)));

    // Assess
    expect(Math.max(...sizes)).toBeLessThanOrEqual(READ_UNIT_BYTES);
    expect(median(sizes)).toBeLessThanOrEqual(median(jsonSizes) / 2);
  });

  it('still uses the dictionaries that stored states were written with', () => {
    // Act
    const hash = (dictionary: string) => createHash('sha256').update(dictionary).digest('hex').slice(0, 16);

    // Assess: a changed dictionary makes every stored state unreadable. Add a format instead (state-codec.ts).
    expect(hash(STATE_DICTIONARY_V1)).toBe('af5ca49847992755');
    expect(hash(STATE_DICTIONARY_V2)).toBe('40dfeaa6dbb617a4');
    expect(hash(STATE_DICTIONARY_V3)).toBe('538476270b31c43b');
  });

  it('writes format 3, smaller than formats 2 and 1, and reads the states they stored', () => {
    // Prepare: each state as formats 1 and 2 stored it
    const json = states.map((s) => JSON.stringify(s));
    const formatOne = json.map((text) => storedInFormat(1, text));
    const formatTwo = json.map((text) => storedInFormat(2, text));

    // Act
    const formatThree = states.map((s) => encodeState(s));
    const readBack = [...formatOne, ...formatTwo].map((bytes) => decodeState(bytes));

    // Assess
    const total = (all: Uint8Array[]) => all.reduce((sum, bytes) => sum + bytes.byteLength, 0);
    expect(new Set(formatThree.map((bytes) => bytes[0]))).toEqual(new Set([3]));
    expect(total(formatTwo)).toBeLessThan(total(formatOne) * 0.97);
    expect(total(formatThree)).toBeLessThan(total(formatTwo) * 0.9);
    const expected = states.map((s) => stateFromTrustedText(JSON.stringify(s)));
    expect(readBack).toEqual([...expected, ...expected]);
  });

  it('decodes a state stored before timers and wait steps had variants: its waits and lifecycle timer', () => {
    // Prepare: the JSON as written then, in format 1
    const enrollment = (id: string, wait: string) =>
      `{"id":"${id}","journeyId":"j","version":"v1","key":"","enteredAt":0,"trigger":{"id":"e1",` +
      `"source":"shop","detail-type":"Signed Up","time":"2026-01-01T00:00:00.000Z","detail":{"userId":"ana",` +
      `"properties":{}}},"status":"active","stepId":"${id}-step","wait":${wait},"holdout":false,"sends":0,"visits":1}`;
    const json =
      '{"userId":"ana","profile":{"traits":{},"devices":[],"consent":{},"firstSeenAt":0,"lastSeenAt":0},' +
      `"enrollments":[${[
        enrollment('d', '{"stepId":"d-step","timerId":"t-d","dueAt":10,"kind":"duration"}'),
        enrollment('u', '{"stepId":"u-step","timerId":"t-u","dueAt":20,"kind":"until"}'),
        enrollment('e', '{"stepId":"e-step","timerId":"t-e","dueAt":30,"kind":"event"}'),
      ].join(',')}],"entries":{},"journeySends":{},"processed":[],` +
      '"lifecycleTimer":{"id":"lifecycle:ana:40","dueAt":40}}';
    const stored = storedInFormat(1, json);

    // Act
    const state = decodeState(stored);

    // Assess
    expect(state.enrollments.map((e) => e.wait)).toEqual([
      { stepId: 'd-step', timerId: 't-d', dueAt: 10, kind: 'duration' },
      { stepId: 'u-step', timerId: 't-u', dueAt: 20, kind: 'until' },
      { stepId: 'e-step', timerId: 't-e', dueAt: 30, kind: 'event' },
    ]);
    expect(state.lifecycleTimer).toEqual({ id: 'lifecycle:ana:40', dueAt: 40 });
  });

  it('refuses bytes of an unknown format, damaged bytes, and a stored value that is not a state', () => {
    // Prepare
    const state = states[0];
    if (!state) throw new Error('no sample state');
    const encoded = encodeState(state);
    const unknownFormat = Uint8Array.from([9, ...encoded.subarray(1)]);
    const damaged = encoded.subarray(0, encoded.length - 8);
    const notAState = storedInFormat(1, '{"userId":42}');

    // Act and assess
    expect(() => decodeState(unknownFormat)).toThrow('unknown format 9');
    expect(() => decodeState(damaged)).toThrow();
    expect(() => decodeState(notAState)).toThrow(/userId/);
    expect(() => decodeState(new Uint8Array(0))).toThrow('unknown format');
  });
});
