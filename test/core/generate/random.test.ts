import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../functions/core/collections/min-heap.ts';
import { keyedRandom, RandomStreams } from '../../../functions/core/generate/random.ts';
import { isoTime } from '../../../functions/core/generate/sessions.ts';

describe('RandomStreams', () => {
  it('gives the same numbers for the same seed, and different ones for another seed or stream', () => {
    const draw = (seed: number, stream: number) => {
      const streams = new RandomStreams(seed);
      for (let i = 0; i < stream; i++) streams.next();
      const rng = streams.next();
      return Array.from({ length: 20 }, () => rng.int(0, 1_000_000));
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
  });

  it('draws integers within bounds, weighted choices by weight, and version-4 UUIDs', () => {
    const rng = new RandomStreams(3).next();
    const ints = Array.from({ length: 2000 }, () => rng.int(5, 9));
    expect(new Set(ints)).toEqual(new Set([5, 6, 7, 8, 9]));
    const picks = Array.from({ length: 4000 }, () =>
      rng.weighted([
        ['a', 3],
        ['b', 1],
        ['c', 0],
      ]),
    );
    const a = picks.filter((p) => p === 'a').length;
    expect(a / picks.length).toBeGreaterThan(0.7);
    expect(a / picks.length).toBeLessThan(0.8);
    expect(picks).not.toContain('c');
    const hits = Array.from({ length: 4000 }, () => rng.chance(0.1)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(300);
    expect(hits).toBeLessThan(500);
    const ids = Array.from({ length: 500 }, () => rng.uuid());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('keyedRandom', () => {
  it('gives the same numbers for the same key, and different ones for a key that differs in any part', () => {
    const draw = (...key: number[]) => {
      const rng = keyedRandom(...key);
      return Array.from({ length: 20 }, () => rng.int(0, 1_000_000));
    };
    expect(draw(42, 7, 1)).toEqual(draw(42, 7, 1));
    for (const other of [draw(43, 7, 1), draw(42, 8, 1), draw(42, 7, 2), draw(42, 7), draw(7, 42, 1)])
      expect(other).not.toEqual(draw(42, 7, 1));
  });

  it('spreads the first draws of neighbouring keys evenly, as the streams of consecutive customers are', () => {
    // Prepare: the first draw of each of 20,000 keys that differ only in the customer number.
    const n = 20_000;

    // Act
    const hits = Array.from({ length: n }, (_, i) => keyedRandom(42, i + 1, 1).chance(0.3)).filter(
      Boolean,
    ).length;

    // Assess: within 4.5 standard deviations of n * 0.3 (about 1 in 150,000 for a uniform draw).
    const sd = Math.sqrt(n * 0.3 * 0.7);
    expect(Math.abs(hits - n * 0.3)).toBeLessThan(4.5 * sd);
  });
});

describe('MinHeap', () => {
  it('pops in order, ties in insertion order', () => {
    // Prepare
    type Item = { at: number; seq: number };
    const heap = new MinHeap<Item>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
    const rng = new RandomStreams(9).next();
    const items = Array.from({ length: 1000 }, (_, seq) => ({ at: rng.int(0, 50), seq }));
    // Act
    for (const item of items) heap.push(item);
    const popped: Item[] = [];
    for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item);
    // Assess
    expect(popped).toEqual([...items].sort((a, b) => a.at - b.at || a.seq - b.seq));
    expect(heap.size).toBe(0);
  });
});

describe('isoTime', () => {
  it('formats whole-second instants like toISOString, without the fraction', () => {
    const rng = new RandomStreams(5).next();
    for (let i = 0; i < 2000; i++) {
      const ms = rng.int(0, 4_000_000_000) * 1000;
      expect(isoTime(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
    }
  });
});
