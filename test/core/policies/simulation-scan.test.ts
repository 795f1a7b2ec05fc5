import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadLifecycle } from '../../../functions/cli/load-catalog.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { loadPolicies } from '../../../functions/core/policies/policy-file.ts';
import { normalizePhone, phoneTimezone } from '../../../functions/core/profile/addresses.ts';
import type { MessageRecord } from '../../../functions/core/simulate/tally.ts';
import { durationMs } from '../../../functions/core/time/duration.ts';
import { memoryIo } from '../../cli/support.ts';
import { simulationOf } from '../../support/simulation.ts';

const DAY = 86_400_000;

function valid(zone: unknown): zone is string {
  if (typeof zone !== 'string') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Each customer's zone as the events tell it, at any time: a timezone trait, else the single zone of the
 * phone's country, else the context's timezone, else UTC (the simulation's default).
 */
function zonesFromEvents(events: readonly CustomerEvent[]) {
  const known = new Map<string, { at: number; trait?: string; phone?: string; context?: string }[]>();
  for (const event of events) {
    const { userId, traits, context } = event.detail;
    const last = known.get(userId)?.at(-1);
    const phone = traits?.phone === undefined ? undefined : normalizePhone(traits.phone);
    const next = {
      at: Date.parse(event.time),
      trait: valid(traits?.timezone) ? traits?.timezone : last?.trait,
      phone: last?.phone ?? (phone === undefined ? undefined : phoneTimezone(phone)),
      context: valid(context?.timezone) ? context?.timezone : last?.context,
    };
    known.set(userId, [...(known.get(userId) ?? []), next]);
  }
  return (userId: string, at: number): string => {
    const state = (known.get(userId) ?? []).filter((k) => k.at <= at).at(-1);
    return state?.trait ?? state?.phone ?? state?.context ?? 'UTC';
  };
}

function localHourMinute(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  return (
    Number(parts.find((p) => p.type === 'hour')?.value) * 60 +
    Number(parts.find((p) => p.type === 'minute')?.value)
  );
}

describe('a simulation of 300 generated customers over 30 days with journeys/policies.yaml', () => {
  it('sends no customer more marketing messages in a window than marketing-weekly allows, and none in their quiet hours', async () => {
    // Prepare
    const { io } = memoryIo();
    const catalog = await loadCatalog(['journeys'], io, 'test');
    const lifecycle = await loadLifecycle('journeys', io, 'test');
    const { policies } = loadPolicies(
      'journeys/policies.yaml',
      await readFile('journeys/policies.yaml', 'utf8'),
    );
    if (!catalog || !lifecycle || !policies)
      throw new Error('the sample journeys, lifecycle and policies must load');
    // The scan reads the cap from the file, so that it checks the rule as configured.
    const weekly = policies.caps.find((c) => c.id === 'marketing-weekly');
    if (weekly?.category !== 'marketing' || weekly.channel !== 'any' || weekly.tag !== undefined)
      throw new Error('journeys/policies.yaml must cap every marketing message as marketing-weekly');
    const windowMs = durationMs(weekly.per);
    const events = [...generateEvents({ users: 300, days: 30, seed: 11, start: '2026-11-01' })];
    const simulation = simulationOf({
      journeys: [...catalog.latest()].map((c) => c.journey),
      lifecycle,
      policies,
    });

    // Act
    for (const event of events) await simulation.processEvent(event);
    await simulation.finish(Date.parse(events.at(-1)?.time ?? '') + 30 * DAY);

    // Assess, from the output alone
    const messages = [...simulation.tally.messages.values()];
    const sentMarketing = messages.filter((m) => m.status === 'SENT' && m.category === 'marketing');
    const byUser = new Map<string, MessageRecord[]>();
    for (const m of sentMarketing) byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), m]);
    const overCap: string[] = [];
    for (const [userId, sent] of byUser) {
      const times = sent.map((m) => Date.parse(m.at)).sort((a, b) => a - b);
      for (let i = 0; i + weekly.max < times.length; i++) {
        const [first, oneTooMany] = [times[i] ?? 0, times[i + weekly.max] ?? 0];
        if (oneTooMany - first < windowMs)
          overCap.push(`${userId}: ${weekly.max + 1} messages from ${new Date(first).toISOString()}`);
      }
    }
    const zoneOf = zonesFromEvents(events);
    const inQuietHours = sentMarketing.filter((m) => {
      const minute = localHourMinute(Date.parse(m.at), zoneOf(m.userId, Date.parse(m.at)));
      return minute >= 22 * 60 || minute < 8 * 60;
    });
    expect(overCap).toEqual([]);
    expect(inQuietHours.map((m) => `${m.userId} ${m.messageId} ${m.at}`)).toEqual([]);
    // The run must have given the policies something to do.
    expect(sentMarketing.length).toBeGreaterThan(300);
    expect(messages.filter((m) => m.reason === 'cap_exceeded').length).toBeGreaterThan(50);
    expect(messages.filter((m) => m.status === 'SENT' && m.deferrals > 0).length).toBeGreaterThan(20);
    expect(new Set(sentMarketing.map((m) => m.journeyId)).size).toBeGreaterThanOrEqual(3);
  });
});
