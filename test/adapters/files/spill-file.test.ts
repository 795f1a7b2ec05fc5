import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpillFile } from '../../../functions/adapters/files/spill-file.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { tempDir } from '../../cli/support.ts';
import { customerStateStoreContract } from '../../contracts/customer-state-store.contract.ts';
import { policyStoreContract } from '../../contracts/policy-store.contract.ts';
import { timerStoreContract } from '../../contracts/timer-store.contract.ts';

/** A spill file with a small buffer and compaction floor, so that tests cross both. */
async function smallSpillFile(name = 'records'): Promise<SpillFile> {
  return new SpillFile({ dir: await tempDir(), name, writeBufferBytes: 4_096, minGarbageBytes: 8_192 });
}

customerStateStoreContract(
  'in memory, kept as text in a spill file (cairn simulate)',
  async () => new InMemoryCustomerStateStore({ keep: 'text', texts: await smallSpillFile('states') }),
);
policyStoreContract(
  'in memory, claims in a spill file (cairn simulate)',
  async () => new InMemoryPolicyStore({ texts: await smallSpillFile('claims') }),
);
timerStoreContract(
  'in memory, timers in a spill file (cairn simulate)',
  async () => new InMemoryTimerStore({ texts: await smallSpillFile('timers') }),
);

describe('spill file', () => {
  it('gives back each text as last set, in the order keys were first set, across its write buffer', async () => {
    // Prepare: texts of any code point (astral planes included), some longer than the 4 KiB buffer.
    const spill = await smallSpillFile();
    const texts = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      const key = `k${i % 120}`;
      const text = `${'é😀x'.repeat((i * 7) % 50)}${i}${i % 37 === 0 ? 'y'.repeat(5_000) : ''}`;
      spill.set(key, text);
      texts.set(key, text);
    }
    for (let i = 0; i < 120; i += 3) {
      spill.delete(`k${i}`);
      texts.delete(`k${i}`);
    }

    // Act
    const entries = [...spill.entries()];

    // Assess
    expect(entries).toEqual([...texts.entries()]);
    expect(spill.size).toBe(texts.size);
    expect(spill.get('k0')).toBeUndefined();
    expect(spill.has('k1')).toBe(true);
    expect(spill.delete('k0')).toBe(false);
  });

  it('compacts once its garbage passes its live records, so the file stays within about twice them', async () => {
    // Prepare: 50 keys of 1 KB replaced 200 times each (10 MB written, 50 KB live).
    const spill = await smallSpillFile();
    const last = new Map<string, string>();

    // Act
    for (let round = 0; round < 200; round++)
      for (let key = 0; key < 50; key++) {
        const text = `${round}:${key}:`.padEnd(1_000, String.fromCharCode(97 + ((round + key) % 26)));
        spill.set(`k${key}`, text);
        last.set(`k${key}`, text);
      }

    // Assess
    expect(spill.compactions).toBeGreaterThan(100);
    expect(spill.fileBytes).toBeLessThanOrEqual(2 * 50 * 1_000 + 8_192 + 4_096);
    expect(new Map(spill.entries())).toEqual(last);
  });

  it('keeps the states of a store on disk: what it holds in memory is its write buffer, not the states', async () => {
    // Prepare: 2,000 customers with a 2 KB profile attribute each, in a store over a 64 KiB spill file.
    const dir = await tempDir();
    const spill = new SpillFile({ dir, name: 'states', writeBufferBytes: 65_536 });
    const store = new InMemoryCustomerStateStore({ keep: 'text', texts: spill });
    let textBytes = 0;

    // Act
    for (let i = 0; i < 2_000; i++) {
      const state = newCustomerState(`user-${i}`);
      const withNote = { ...state, profile: { ...state.profile, traits: { note: 'n'.repeat(2_000) } } };
      textBytes += JSON.stringify(withNote).length;
      await store.save(withNote, undefined);
    }

    // Assess: over 4 MB of states, at most the 64 KiB buffer in memory, the rest in the file.
    expect(textBytes).toBeGreaterThan(4_000_000);
    expect(spill.bytesInMemory).toBeLessThanOrEqual(65_536);
    expect(statSync(join(dir, 'states')).size).toBeGreaterThanOrEqual(textBytes - 65_536);
    expect((await store.load('user-1999'))?.state.profile.traits).toEqual({ note: 'n'.repeat(2_000) });
  });

  it('refuses a record over its 2 MiB limit with an error naming it', async () => {
    // Prepare
    const spill = await smallSpillFile();

    // Act
    const tooLong = () => spill.set('big', 'x'.repeat(2 ** 21));

    // Assess
    expect(tooLong).toThrow(/record of 2097152 bytes \(key big\) is over the spill file's limit of 2 MiB/);
  });
});
