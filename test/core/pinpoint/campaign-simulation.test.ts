import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileCampaign } from '../../../functions/core/campaigns/compile.ts';
import { Campaign } from '../../../functions/core/campaigns/schema.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { importPinpointExport } from '../../../functions/core/pinpoint/import.ts';
import { noPolicies } from '../../../functions/core/policies/config.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';
import { Segment } from '../../../functions/core/segments/schema.ts';
import { simulationOf } from '../../support/simulation.ts';

// An imported one-time local-time campaign runs as Pinpoint's did: test/fixtures/pinpoint/export/campaigns/
// c-holiday.json is Frequency ONCE, StartTime 2026-12-24T10:00:00Z, IsLocalTime true, Timezone UTC, to the VIP
// segment, with a 10% holdout and two treatments of 45% each. Pinpoint sent each member outside the holdout one
// message at 10:00 in the member's own time zone; the imported campaign, compiled and run by the simulator, must
// do the same.

const EXPORT = 'test/fixtures/pinpoint/export';

async function exportFiles(folder: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.json'));
  return Promise.all(
    files.map(async (e) => {
      const path = join(e.parentPath, e.name);
      return { file: relative(folder, path), text: await readFile(path, 'utf8') };
    }),
  );
}

const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Auckland'];
const VIPS = 400;

function profiles(): Map<string, Profile> {
  const all = new Map<string, Profile>();
  const add = (userId: string, vip: string, timezone?: string) =>
    all.set(userId, {
      ...newCustomerState(userId).profile,
      email: `${userId}@example.com`,
      ...(timezone ? { timezone, timezoneSource: 'trait' as const } : {}),
      traits: { vip: [vip] },
    });
  for (let i = 0; i < VIPS; i++) add(`vip-${i}`, 'yes', ZONES[i % ZONES.length]);
  add('vip-nozone', 'yes');
  for (let i = 0; i < 40; i++) add(`other-${i}`, 'no', ZONES[i % ZONES.length]);
  return all;
}

describe('an imported one-time local-time Pinpoint campaign', () => {
  it("sends each VIP outside the holdout one message at 10:00 on 24 December in the VIP's own zone", async () => {
    // Prepare
    const imported = importPinpointExport(await exportFiles(EXPORT));
    if (!imported.ok) throw new Error(imported.problems.join('\n'));
    const text = (path: string) => imported.files.find((f) => f.path === path)?.text ?? '';
    const campaign = Campaign.parse(parse(text('campaigns/holiday-offer.yaml')));
    const vip = Segment.parse(parse(text('segments/vip.yaml')));
    const simulation = simulationOf(
      { journeys: [compileCampaign(campaign)], segments: [vip], policies: noPolicies() },
      { profiles: profiles() },
    );

    // Act
    await simulation.runTo(Date.parse('2026-12-22T00:00:00Z'));
    await simulation.finish(Date.parse('2026-12-27T00:00:00Z'));

    // Assess
    const sent = [...simulation.tally.messages.values()].filter((m) => m.status === 'SENT');
    const enrollments = [...simulation.tally.enrollments.values()];
    const heldOut = new Set(enrollments.filter((e) => e.holdout).map((e) => e.userId));
    const zoneOf = (userId: string) =>
      userId === 'vip-nozone' ? 'UTC' : (ZONES[Number(userId.slice(4)) % ZONES.length] ?? 'UTC');
    const local = sent.map((m) =>
      DateTime.fromISO(m.at, { zone: zoneOf(m.userId) }).toFormat('yyyy-MM-dd HH:mm'),
    );
    expect(enrollments).toHaveLength(VIPS + 1);
    expect(sent).toHaveLength(VIPS + 1 - heldOut.size);
    expect(new Set(sent.map((m) => m.userId)).size).toBe(sent.length);
    expect(sent.some((m) => m.userId.startsWith('other-') || heldOut.has(m.userId))).toBe(false);
    expect(new Set(local)).toEqual(new Set(['2026-12-24 10:00']));
    // Auckland is UTC+13 in December, Kathmandu UTC+5:45; the VIP without a zone gets it at 10:00 UTC.
    const at = (userId: string) => sent.find((m) => m.userId === userId)?.at;
    const firstSent = (zone: number) =>
      sent
        .map((m) => m.userId)
        .find((u) => u.startsWith('vip-') && Number(u.slice(4)) % ZONES.length === zone);
    expect(at(firstSent(3) ?? '')).toBe('2026-12-23T21:00:00.000Z');
    expect(at(firstSent(2) ?? '')).toBe('2026-12-24T04:15:00.000Z');
    if (!heldOut.has('vip-nozone')) expect(at('vip-nozone')).toBe('2026-12-24T10:00:00.000Z');
    // Binomial: the holdout is 10% of 401 (sd 6); within 4 standard deviations.
    expect(Math.abs(heldOut.size - 40)).toBeLessThanOrEqual(24);
    expect(new Set(sent.map((m) => m.variant))).toEqual(new Set(['discount', 'gift']));
  }, 120_000);
});
