import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

const device = { device: { token: 'tok-mia', platform: 'ios' }, timezone: 'America/New_York' };

/** Mia in New York: signs up, fills a cart late in the evening, then unsubscribes from marketing email. */
const SCENARIO = [
  {
    id: 'e1',
    type: 'Signed Up',
    time: '2026-11-02T15:00:00Z',
    detail: { traits: { email: 'mia@example.com', timezone: 'America/New_York' }, context: device },
  },
  {
    id: 'e2',
    type: 'Product Added',
    time: '2026-11-03T02:45:00Z',
    detail: { properties: { cartId: 'c1', name: 'Espresso beans' }, context: device },
  },
  {
    id: 'e3',
    type: 'Identify',
    time: '2026-11-04T12:00:00Z',
    detail: { traits: { consent: { email: false } } },
  },
  {
    id: 'e4',
    type: 'Signed Up',
    time: '2026-11-02T16:00:00Z',
    user: 'noah',
    detail: { traits: { email: 'noah@example.com' } },
  },
]
  .sort((a, b) => a.time.localeCompare(b.time))
  .map((e) =>
    JSON.stringify({
      version: '0',
      id: e.id,
      source: 'com.example.shop',
      'detail-type': e.type,
      time: e.time,
      resources: [],
      detail: { userId: e.user ?? 'usr_mia', properties: {}, ...e.detail },
    }),
  );

async function scenarioFile(): Promise<string> {
  const file = join(await tempDir(), 'events.ndjson');
  await writeFile(file, `${SCENARIO.join('\n')}\n`);
  return file;
}

describe('cairn explain', () => {
  it('shows the reason and the rule of a quiet-hours hold, a capped send and a consent skip, in time order', async () => {
    // Prepare
    const events = await scenarioFile();
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['explain', '--user', 'usr_mia', '--events', events], io);

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      `Decisions for usr_mia: 3 event(s) from ${events}, delivery policies journeys/policies.yaml.`,
      '2026-11-02T15:00:00Z  lifecycle: stage none -> new (first seen within 30 days and at most one order, so still being onboarded)',
      '2026-11-02T15:00:00Z  welcome-series: entered',
      // No birthday or renewal date in the profile: the date journeys say why they wait for nothing.
      '2026-11-02T15:00:00Z  birthday: not entered (date-missing)',
      '2026-11-02T15:00:00Z  renewal-reminder: not entered (date-missing)',
      '2026-11-02T15:00:00Z  welcome-series: welcome-email welcome via email: SENT sent',
      '2026-11-03T02:45:00Z  cart-abandonment: entered (key c1)',
      // The engine's decisions of an input come first; deliver decides the send it made just after.
      '2026-11-03T03:15:00Z  cart-abandonment: exited at remind (completed)',
      '2026-11-03T03:15:00Z  cart-abandonment: remind cart-reminder via email: DEFERRED quiet_time until 2026-11-03T13:00:00Z (08:00 America/New_York)',
      '      rule quietHours.email: no email from 22:00 to 08:00 local time (hold)',
      '      local time 22:15 America/New_York',
      '      passed over push: no_opt_in',
      '      passed over sms: missing_address',
      '2026-11-03T13:00:00Z  cart-abandonment: remind cart-reminder via email: SENT sent',
      '      passed over push: no_opt_in',
      '      passed over sms: missing_address',
      '2026-11-03T15:00:00Z  welcome-series: nudge-push welcome-nudge via email: SKIPPED cap_exceeded',
      '      rule caps.marketing-weekly: at most 2 marketing message(s) per P7D on any channel',
      '      passed over push: no_opt_in',
      '2026-11-09T15:00:00Z  welcome-series: exited at tips-email (completed)',
      '2026-11-09T15:00:00Z  welcome-series: tips-email welcome-tips via email: SKIPPED opt_out',
      '      rule consent.email.marketing: email for marketing is not sent after an opt-out',
      '2026-12-02T15:00:00Z  lifecycle: stage new -> none (no stage rule matches)',
    ]);
  });

  it('shows only one journey with --journey, and the same outcomes as cairn simulate --out', async () => {
    // Prepare
    const events = await scenarioFile();
    const result = join(await tempDir(), 'result.json');
    const explained = memoryIo();

    // Act
    await main(
      ['explain', '--user', 'usr_mia', '--events', events, '--journey', 'cart-abandonment'],
      explained.io,
    );
    await main(['simulate', '--events', events, '--out', result], memoryIo().io);

    // Assess
    expect(explained.out.filter((l) => /^\d/.test(l)).every((l) => l.includes('cart-abandonment:'))).toBe(
      true,
    );
    const Message = z.object({
      userId: z.string(),
      stepId: z.string(),
      status: z.string(),
      reason: z.string(),
      rule: z.string().nullable(),
      channel: z.string().nullable(),
      until: z.string().nullable(),
      notes: z.array(z.string()),
      passedOver: z.array(z.string()),
      deferrals: z.number(),
      category: z.string(),
      tags: z.array(z.string()),
      priority: z.string(),
    });
    const { messages, policies } = z
      .object({ messages: z.array(Message), policies: z.object({ file: z.string(), environment: z.null() }) })
      .parse(JSON.parse(await readFile(result, 'utf8')));
    expect(policies.file).toBe('journeys/policies.yaml');
    const simulated = messages.filter((m) => m.userId === 'usr_mia' && m.stepId === 'remind');
    expect(simulated).toEqual([expect.objectContaining({ status: 'SENT', reason: 'sent' })]);
    expect(explained.out.filter((l) => l.includes(': SENT ') || l.includes(': SKIPPED ')).length).toBe(1);
  });

  it('explains bad usage and an unknown customer', async () => {
    // Prepare
    const events = await scenarioFile();
    const [missing, unknown, none] = [memoryIo(), memoryIo(), memoryIo()];

    // Act
    const codes = [
      await main(['explain', '--user', 'usr_mia'], missing.io),
      await main(['explain', '--user', 'usr_nobody', '--events', events], unknown.io),
      await main(['explain', '--user', 'usr_mia', '--events', events, '--policies', 'none'], none.io),
    ];

    // Assess
    expect(codes).toEqual([2, 1, 0]);
    expect(missing.err[0]).toMatch(/^cairn explain: --user and --events are required/);
    expect(unknown.err).toEqual([`cairn explain: no events of customer "usr_nobody" in ${events}`]);
    expect(none.out[0]).toContain('no delivery policies');
    expect(none.out).toContain(
      '2026-11-03T03:15:00Z  cart-abandonment: remind cart-reminder via push: SENT sent',
    );
  });

  it('stops at a broken policies file with file:line:column, and applies an environment with --env', async () => {
    // Prepare
    const events = await scenarioFile();
    const broken = join(await tempDir(), 'policies.yaml');
    await writeFile(broken, 'caps:\n  - { id: weekly, max: 2, per: P1M }\n');
    const [bad, eu, unknownEnv] = [memoryIo(), memoryIo(), memoryIo()];

    // Act
    const codes = [
      await main(['explain', '--user', 'usr_mia', '--events', events, '--policies', broken], bad.io),
      await main(['explain', '--user', 'usr_mia', '--events', events, '--env', 'eu'], eu.io),
      await main(['simulate', '--events', events, '--env', 'mars'], unknownEnv.io),
    ];

    // Assess
    expect(codes).toEqual([1, 0, 1]);
    expect(bad.err[0]).toMatch(
      new RegExp(`^${broken}:2:32 caps\\[0\\]\\.per: expected an ISO-8601 duration`),
    );
    expect(bad.err[1]).toBe(`cairn explain: 1 problem(s) in ${broken}`);
    expect(eu.out[0]).toContain('delivery policies journeys/policies.yaml (environment eu)');
    expect(eu.out).toContain(
      '2026-11-02T15:00:00Z  welcome-series: welcome-email welcome via email: SKIPPED no_opt_in',
    );
    expect(unknownEnv.err[0]).toMatch(/environments: no environment "mars"; expected one of eu, us$/);
  });
});
