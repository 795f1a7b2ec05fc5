import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import type { RunResult } from '../../functions/core/simulate/result.ts';
import { memoryIo } from '../cli/support.ts';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

// The cases where the simulator and the runtime used to disagree (the "one machine" issue). Each is run
// through both machines, which must now agree, and with the outcome the docs promise.

/** A copy of journeys/ with `edit` applied to some of its files. */
async function journeysWith(edit: Record<string, (text: string) => string>): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'cairn-one-machine-')), 'journeys');
  await cp('journeys', dir, { recursive: true });
  for (const [file, change] of Object.entries(edit)) {
    const path = join(dir, file);
    await writeFile(path, change(await readFile(path, 'utf8')));
  }
  return dir;
}

function line(id: string, time: string, type: string, detail: Record<string, unknown>): string {
  return JSON.stringify({ version: '0', id, source: 'com.example.shop', 'detail-type': type, time, detail });
}

const ANA = { email: 'ana@example.com', timezone: 'Europe/London' };
const cartOf = (id: string) => ({ cartId: id, name: 'Espresso beans' });

const sent = (result: RunResult) =>
  result.messages.map((m) => `${m.userId} ${m.journeyId}/${m.stepId} ${m.status} ${m.reason} ${m.at}`);

async function bothMachines(text: string, journeysDir = 'journeys'): Promise<RunResult> {
  const [simulated, local] = await Promise.all([
    throughSimulator(text, { daysAfter: 2, journeysDir }),
    throughLocalStack(text, { daysAfter: 2, journeysDir }),
  ]);
  expect(local).toEqual(simulated);
  return simulated;
}

describe('one machine', () => {
  it('drops a send held by quiet hours once its enrollment ended, in the simulator and the runtime', async () => {
    // Prepare: email quiet hours 09:00-12:00; the cart's reminder falls due at 10:30 and is held; the order
    // comes at 10:30 too, after the reminder was held.
    const journeys = await journeysWith({
      'policies.yaml': (text) =>
        text.replace(
          / {2}email:\n {4}from: "22:00"\n {4}to: "08:00"/,
          '  email:\n    from: "09:00"\n    to: "12:00"',
        ),
    });
    const events = [
      line('e1', '2026-11-02T08:00:00Z', 'Signed Up', { userId: 'ana', traits: ANA }),
      line('e2', '2026-11-03T10:00:00Z', 'Product Added', { userId: 'ana', properties: cartOf('c1') }),
      line('e3', '2026-11-03T10:30:00Z', 'Order Completed', {
        userId: 'ana',
        properties: { ...cartOf('c1'), revenue: 9 },
      }),
    ].join('\n');

    // Act
    const result = await bothMachines(events, journeys);

    // Assess
    expect(sent(result).filter((m) => m.includes('cart-abandonment'))).toEqual([
      'ana cart-abandonment/remind DROPPED enrollment_ended 2026-11-03T12:00:00.000Z',
    ]);
  }, 60_000);

  it('applies an event delivered twice under one id once, and names the file line of a bad event', async () => {
    // Prepare: the cart event twice under its id (a redelivery), and a line without a userId.
    const cart = line('e2', '2026-11-03T10:00:00Z', 'Product Added', {
      userId: 'ana',
      properties: cartOf('c1'),
    });
    const events = [
      line('e1', '2026-11-02T08:00:00Z', 'Signed Up', { userId: 'ana', traits: ANA }),
      cart,
      cart,
      line('e3', '2026-11-03T11:00:00Z', 'Product Viewed', { properties: {} }),
    ].join('\n');

    // Act
    const result = await bothMachines(events);

    // Assess
    expect(sent(result)).toEqual([
      'ana welcome-series/welcome-email SENT sent 2026-11-02T08:00:00.000Z',
      'ana welcome-series/nudge-push SENT sent 2026-11-03T08:00:00.000Z',
      // One reminder only, and it is the week's third marketing message.
      'ana cart-abandonment/remind SKIPPED cap_exceeded 2026-11-03T10:30:00.000Z',
    ]);
    expect(result.deadLetters).toEqual([
      {
        kind: 'invalid-event',
        id: 'e3',
        line: 4,
        userId: null,
        reason: 'detail.userId: expected a non-empty string, got undefined',
      },
    ]);
  }, 60_000);

  it('fails a send whose template uses a variable the customer lacks, with its file:line:col, everywhere', async () => {
    // Prepare: the welcome email uses a trait nobody sent.
    const journeys = await journeysWith({
      'templates/welcome.yaml': (text) =>
        text.replace('subject: "Welcome', 'subject: "{{ profile.traits.loyaltyTier }} Welcome'),
    });
    const events = line('e1', '2026-11-02T08:00:00Z', 'Signed Up', { userId: 'ana', traits: ANA });
    const test = memoryIo();

    // Act
    const result = await bothMachines(events, journeys);
    const code = await main(
      ['test', '--journeys', journeys, join(journeys, 'tests', 'welcome-series.test.yaml')],
      test.io,
    );

    // Assess
    const welcome = result.messages.find((m) => m.stepId === 'welcome-email');
    expect(welcome).toMatchObject({ status: 'FAILED' });
    expect(welcome?.reason).toMatch(
      /^template-missing-variable: .*templates\/welcome\.yaml:\d+:\d+ email\.subject: undefined variable: profile\.traits\.loyaltyTier$/,
    );
    expect(code).toBe(1);
    expect(test.out.join('\n')).toContain('template-missing-variable');
  }, 60_000);
  it('greets a birthday and reminds a renewal from date timers, ignoring the stale one, everywhere', async () => {
    // Prepare: Kenji's birthday is moved from the 3rd to the 4th (the 3rd's timer goes stale); Maya's
    // renewal reminder is 7 days before her renewal date, at 10:00 London time.
    const events = [
      line('e1', '2026-11-02T08:00:00Z', 'Identify', {
        userId: 'kenji',
        traits: { email: 'kenji@example.com', timezone: 'Asia/Tokyo', birthday: '1990-11-03' },
      }),
      line('e2', '2026-11-02T09:00:00Z', 'Identify', {
        userId: 'maya',
        traits: { ...ANA, email: 'maya@example.com', renewalDate: '2026-11-10' },
      }),
      line('e3', '2026-11-02T10:00:00Z', 'Identify', { userId: 'kenji', traits: { birthday: '1990-11-04' } }),
    ].join('\n');

    // Act
    const result = await bothMachines(events);

    // Assess: 09:00 in Tokyo on 4 November is 00:00 UTC; 10:00 in London on 3 November is 10:00 UTC.
    expect(sent(result)).toEqual([
      'maya renewal-reminder/renewal-email SENT sent 2026-11-03T10:00:00.000Z',
      'kenji birthday/birthday-email SENT sent 2026-11-04T00:00:00.000Z',
    ]);
  }, 60_000);

  it('runs a scheduled journey at each local time of its customers, everywhere', async () => {
    // Prepare: a local-time broadcast at 10:00 on 3 November to everyone known by then.
    const journeys = await journeysWith({});
    await writeFile(
      join(journeys, 'morning-note.yaml'),
      [
        'id: morning-note',
        'name: Morning note',
        'status: active',
        'trigger:',
        '  schedule: { at: "2026-11-03T10:00", timezone: local, withoutTimezone: skip }',
        'steps:',
        '  - { id: note, type: send, channel: email, template: welcome }',
        '',
      ].join('\n'),
    );
    const events = [
      line('e1', '2026-11-02T08:00:00Z', 'Identify', { userId: 'ana', traits: ANA }),
      line('e2', '2026-11-02T08:01:00Z', 'Identify', {
        userId: 'kenji',
        traits: { email: 'kenji@example.com', timezone: 'Asia/Kolkata' },
      }),
      line('e3', '2026-11-02T08:02:00Z', 'Identify', { userId: 'zed', traits: { email: 'zed@example.com' } }),
    ].join('\n');

    // Act
    const result = await bothMachines(events, journeys);

    // Assess: 10:00 in Kolkata (+05:30) is 04:30 UTC; in London (winter) 10:00 UTC; zed has no zone: skipped.
    expect(sent(result).filter((m) => m.includes('morning-note'))).toEqual([
      'kenji morning-note/note SENT sent 2026-11-03T04:30:00.000Z',
      'ana morning-note/note SENT sent 2026-11-03T10:00:00.000Z',
    ]);
  }, 60_000);
});
