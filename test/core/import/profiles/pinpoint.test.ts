import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CustomerEvent, parseCustomerEvent } from '../../../../functions/core/events/index.ts';
import {
  formatProfileImportSummary,
  importProfileRows,
  jsonLinesRows,
  type ProfileImportOptions,
} from '../../../../functions/core/import/profiles/index.ts';
import { profileView } from '../../../../functions/core/profile/profile.ts';
import { simulationOf } from '../../../support/simulation.ts';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/import/pinpoint-endpoints.jsonl');
const OPTIONS: ProfileImportOptions = {
  format: 'pinpoint',
  file: 'pinpoint-endpoints.jsonl',
  list: 'pinpoint-all',
  importedAt: '2026-10-30T00:00:00Z',
};

async function importFixture() {
  const events: CustomerEvent[] = [];
  const summary = await importProfileRows(jsonLinesRows(readFileSync(FIXTURE, 'utf8')), OPTIONS, (event) => {
    events.push(event);
  });
  return { events, summary };
}

describe('a Pinpoint endpoint export', () => {
  it('gives one Profile Imported event per usable endpoint and names each skipped line with its field', async () => {
    // Act
    const { events, summary } = await importFixture();

    // Assess
    expect(events.map((e) => [e.detail.userId, e['detail-type'], e.source])).toEqual([
      ['usr_maya', 'Profile Imported', 'cairn.import.pinpoint'],
      ['usr_maya', 'Profile Imported', 'cairn.import.pinpoint'],
      ['usr_maya', 'Profile Imported', 'cairn.import.pinpoint'],
      ['usr_maya', 'Profile Imported', 'cairn.import.pinpoint'],
      ['usr_kenji', 'Profile Imported', 'cairn.import.pinpoint'],
      ['ep-anon-email', 'Profile Imported', 'cairn.import.pinpoint'],
    ]);
    expect(summary).toMatchObject({ rowsRead: 10, imported: 6, profiles: 3, merged: 3 });
    expect(summary.skips.map((s) => [s.kind, s.examples.map((e) => `${e.line} ${e.field}`)])).toEqual([
      ['bad-row', ['8 (line)', '10 Address']],
      ['unsupported-channel', ['7 ChannelType']],
      ['inactive-endpoint', ['9 EndpointStatus']],
    ]);
    const text = formatProfileImportSummary(summary);
    expect(text).toContain('line 8: (line): not JSON');
    expect(text).toContain('line 10: Address: not an email address: "not-an-address"');
  });

  it('gives the same events, ids included, when the same file is imported again', async () => {
    // Act
    const first = await importFixture();
    const second = await importFixture();

    // Assess
    expect(second.events).toEqual(first.events);
    expect(new Set(first.events.map((e) => e.id)).size).toBe(first.events.length);
  });

  it('merges the endpoints of one user into one profile through ingest, and a second import changes nothing', async () => {
    // Prepare
    const { events } = await importFixture();
    const simulation = simulationOf({ journeys: [] });

    // Act
    for (const event of events) await simulation.processEvent(event);
    const once = structuredClone(simulation.stateOf('usr_maya'));
    const kenjiOnce = structuredClone(simulation.stateOf('usr_kenji'));
    for (const event of events) await simulation.processEvent(event);
    await simulation.finish(Date.parse('2026-10-31T00:00:00Z'));

    // Assess
    const maya = simulation.stateOf('usr_maya')?.profile;
    expect(maya).toMatchObject({
      email: 'maya@example.com',
      phone: '+447911123456',
      timezone: 'Europe/London',
      timezoneSource: 'trait',
      locale: 'en-GB',
      lists: ['pinpoint-all'],
      consent: {
        sms: { status: 'opted_out', source: 'cairn.import.pinpoint', at: Date.parse('2026-09-02T08:00:00Z') },
      },
    });
    expect(maya?.consent.email).toBeUndefined();
    expect(maya?.devices.map((d) => `${d.platform} ${d.token}`).sort()).toEqual([
      'APNS a1b2c3d4e5f6',
      'FCM fcm-token-maya-pixel',
    ]);
    expect(maya?.traits).toMatchObject({
      interests: ['coffee', 'cycling'],
      plan: ['pro'],
      teams: ['north', 'east'],
      country: 'GB',
      metrics: { sessions: 12 },
    });
    const view = profileView('usr_maya', maya ?? { traits: {}, devices: [], consent: {} });
    expect(view).toMatchObject({
      lists: ['pinpoint-all'],
      reachable: { email: true, sms: true, push: true },
    });
    expect(simulation.stateOf('usr_kenji')?.profile).toMatchObject({
      email: 'kenji@example.jp',
      locale: 'ja-JP',
      consent: { email: { status: 'opted_out', source: 'cairn.import.pinpoint' } },
    });
    expect(simulation.stateOf('ep-anon-email')?.profile.email).toBe('someone@example.org');
    expect(simulation.stateOf('usr_lee')).toBeUndefined();
    expect(simulation.stateOf('usr_maya')).toEqual(once);
    expect(simulation.stateOf('usr_kenji')).toEqual(kenjiOnce);
    expect(simulation.deadLetters).toEqual([]);
  });
});

describe('attributes under the names the event contract keeps as strings', () => {
  it('become strings, so the row passes the contract instead of being dead-lettered', async () => {
    // Prepare
    const endpoint = {
      Id: 'ep-1',
      ChannelType: 'SMS',
      Address: '+447911123456',
      User: {
        UserId: 'usr_1',
        UserAttributes: { firstName: ['Maya'], lastName: ['Ng', 'Okafor'], email: ['maya@example.com'] },
      },
    };
    const events: CustomerEvent[] = [];

    // Act
    await importProfileRows(
      [{ line: 1, row: 1, value: endpoint }],
      OPTIONS,
      (event) => void events.push(event),
    );

    // Assess
    const [event] = events;
    expect(parseCustomerEvent(event).ok).toBe(true);
    expect(event?.detail.traits).toMatchObject({
      firstName: 'Maya',
      lastName: 'Ng, Okafor',
      email: 'maya@example.com',
      phone: '+447911123456',
    });
  });

  it('refuses an endpoint with an attribute named __proto__, naming the field, where the schema would drop it', async () => {
    // Prepare: as the export's line reads with JSON.parse.
    const endpoint: unknown = JSON.parse(
      '{"Id": "ep-1", "ChannelType": "EMAIL", "Address": "maya@example.com",' +
        ' "User": {"UserId": "usr_1", "UserAttributes": {"__proto__": ["x"], "plan": ["pro"]}}}',
    );
    const events: CustomerEvent[] = [];

    // Act
    const summary = await importProfileRows(
      [{ line: 1, row: 1, value: endpoint }],
      OPTIONS,
      (event) => void events.push(event),
    );

    // Assess
    expect(events).toEqual([]);
    expect(formatProfileImportSummary(summary)).toContain('User.UserAttributes.__proto__');
    expect(formatProfileImportSummary(summary)).toContain('may not be named "__proto__"');
  });
});
