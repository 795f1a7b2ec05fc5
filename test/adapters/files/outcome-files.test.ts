import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutcomeFiles } from '../../../functions/adapters/files/outcome-files.ts';
import { OutcomeRecord, outcomeColumns } from '../../../functions/core/outcomes/record.ts';

const record = (i: number, day: string): OutcomeRecord =>
  OutcomeRecord.parse({
    v: 1,
    id: `input-${i}#0`,
    kind: 'exited',
    occurred_at: `${day}T23:59:59.999Z`,
    user_id: `user-${i}`,
    journey_id: 'welcome-series',
    journey_version: 'v1',
    enrollment_id: `e-${i}`,
    step_id: 'last',
    variant_group: null,
    message_id: null,
    channel: null,
    provider_message_id: null,
    status: null,
    reason: 'completed',
    detail: null,
  });

describe('OutcomeFiles', () => {
  it('writes nothing until its buffer fills, then files each record under its own UTC day, keys in column order', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'cairn-outcome-files-'));
    const log = new OutcomeFiles({ dir, name: 'simulate', bufferRecords: 3 });

    // Act
    log.append([record(1, '2026-11-01'), record(2, '2026-11-02')]);
    const beforeFull = await readdir(dir);
    log.append([record(3, '2026-11-01')]);
    await log.flush();

    // Assess
    expect(beforeFull).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['dt=2026-11-01', 'dt=2026-11-02']);
    const lines = (await readFile(join(dir, 'dt=2026-11-01', 'simulate.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['input-1#0', 'input-3#0']);
    expect(Object.keys(JSON.parse(lines[0] ?? '{}'))).toEqual([...outcomeColumns()]);
    expect(log.count).toBe(3);
  });

  it('appends later batches of a run to the same day file', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'cairn-outcome-files-'));
    const log = new OutcomeFiles({ dir, name: 'local', bufferRecords: 1 });

    // Act
    log.append([record(1, '2026-11-01')]);
    log.append([record(2, '2026-11-01')]);
    await log.flush();

    // Assess
    const text = await readFile(join(dir, 'dt=2026-11-01', 'local.ndjson'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
  });
});
