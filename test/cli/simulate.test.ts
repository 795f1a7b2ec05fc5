import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { main } from '../../functions/cli/main.ts';
import { generateEvents } from '../../functions/core/generate/index.ts';
import { memoryIo, tempDir } from './support.ts';

describe('cairn simulate', () => {
  it('runs the sample events and prints the summary and a timeline', async () => {
    const { io, out, err } = memoryIo();

    const code = await main(
      ['simulate', '--events', 'journeys/events/sample.ndjson', '--user', 'usr_1002'],
      io,
    );

    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Simulated 52 event\(s\) \(0 rejected, 0 out of order\)/);
    expect(out).toContain('cart-abandonment');
    expect(out).toContain('Timeline of usr_1002:');
    expect(out.join('\n')).toMatch(/cart-abandonment: remind cart-reminder via push: SENT \(sent\)/);
  });

  it('finishes over 1,000 generated users and 60 days, and writes the JSON result', async () => {
    // Prepare
    const dir = await tempDir();
    const events = join(dir, 'events.ndjson');
    const lines = [...generateEvents({ users: 1000, days: 60, seed: 7, start: '2026-09-01' })].map((e) =>
      JSON.stringify(e),
    );
    await writeFile(events, `${lines.join('\n')}\n`);
    const out = join(dir, 'result.json');
    const { io, out: printed } = memoryIo();

    // Act
    const code = await main(['simulate', '--events', events, '--out', out], io);

    // Assess
    expect(code).toBe(0);
    expect(printed[0]).toMatch(new RegExp(`^Simulated ${lines.length.toLocaleString('en-US')} event\\(s\\)`));
    const result = z
      .object({
        eventsIn: z.number(),
        skipped: z.array(z.unknown()),
        deadLetters: z.array(z.unknown()),
        messages: z.array(z.record(z.string(), z.unknown())),
        enrollments: z.array(z.unknown()),
      })
      .parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result).toMatchObject({ eventsIn: lines.length, skipped: [], deadLetters: [] });
    const { messages, enrollments } = result;
    expect(messages.length).toBeGreaterThan(100);
    expect(enrollments.length).toBeGreaterThan(100);
    expect(messages[0]).toEqual(
      expect.objectContaining({
        userId: expect.any(String),
        journeyId: expect.any(String),
        journeyVersion: expect.any(String),
        stepId: expect.any(String),
        channels: expect.any(Array),
        template: expect.any(String),
        at: expect.any(String),
        status: 'SENT',
        reason: 'sent',
      }),
    );
    // A wide limit: on a loaded two-core CI runner this file shares the CPU with the rest of the suite.
  }, 90_000);

  it('reports invalid events with file, line, event id and field path, and exits 1', async () => {
    const dir = await tempDir();
    const events = join(dir, 'bad.ndjson');
    const good =
      '{"id":"e1","source":"app","detail-type":"Signed Up","time":"2026-11-01T10:00:00Z","detail":{"userId":"u1"}}';
    const bad =
      '{"id":"e2","source":"app","detail-type":"Signed Up","time":"2026-11-01T10:00:00Z","detail":{}}';
    await writeFile(events, `${good}\n${bad}\n`);
    const { io, out, err } = memoryIo();

    const code = await main(['simulate', '--events', events], io);

    expect(code).toBe(1);
    expect(err).toEqual([`${events}:2: event e2: detail.userId: expected a non-empty string, got undefined`]);
    // Both were put; ingest dead-lettered the second, as on AWS.
    expect(out[0]).toMatch(/^Simulated 2 event\(s\) \(1 rejected/);
  });

  it('requires --events and explains bad options', async () => {
    const missing = memoryIo();
    const badTime = memoryIo();

    expect(await main(['simulate'], missing.io)).toBe(2);
    expect(await main(['simulate', '--events', 'x', '--until', 'soon'], badTime.io)).toBe(2);
    expect(missing.err[0]).toMatch(/^cairn simulate: --events is required/);
    expect(badTime.err[0]).toBe(
      'cairn simulate: --until "soon" is not an ISO-8601 time such as 2026-12-31T00:00:00Z',
    );
  });
});

describe('cairn start', () => {
  it('validates and tests the journeys, then replays the sample events through the local stack and reports', async () => {
    // Prepare
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['start'], io);

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/\d+ passed, 0 failed/);
    expect(text).toMatch(/EventBridge PutEvents {2}http:\/\/localhost:\d+/);
    expect(text).toContain('52/52 events put');
    expect(text).toContain('Events in: 52 (put 52; invalid 0; duplicates dropped 0)');
    expect(text).toMatch(/Messages sent: \d+ \(email \d+, push \d+\)/);
    expect(text).toMatch(/push {2}usr_1002 {2}cart-abandonment/);
    // The subject carries the first name through its template, so it is shown by its length only.
    expect(text).toMatch(/email usr_1004 {2}cart-abandonment {2}\[subject: 38 chars\]/);
    expect(text).not.toContain('Sofia');
    expect(text).toContain('Dead letters: 0');
    // The journey tests, then the local stack over 9 days of the sample: about 8 s alone on 2 cores.
  }, 90_000);

  it('counts as many enrollments as the simulator on the same events, stage-triggered ones included', async () => {
    // Prepare: the sample's vip-appreciation enrollment starts at a lifecycle boundary (a timer), not an event.
    const simulated = memoryIo();
    await main(['simulate', '--events', 'journeys/events/sample.ndjson'], simulated.io);
    const enrollments = /(\d+) enrollment\(s\)/.exec(simulated.out.join('\n'))?.[1];
    const { io, out } = memoryIo();

    // Act
    const code = await main(['start'], io);

    // Assess
    expect(code).toBe(0);
    expect(enrollments).toBeDefined();
    expect(out.join('\n')).toContain(`Enrollments: ${enrollments} `);
  }, 90_000);

  it('says what is wrong with an option and exits 2', async () => {
    // Prepare
    const { io, err } = memoryIo();

    // Act
    const code = await main(['start', '--days-after', 'soon'], io);

    // Assess
    expect(code).toBe(2);
    expect(err).toEqual(['cairn start: --days-after must be a whole number of days, 0 or more']);
  });
});

describe('cairn simulate --calls', () => {
  const inquiry = JSON.stringify({
    id: 'evt-1',
    source: 'com.example.shop',
    'detail-type': 'Wholesale Inquiry',
    time: '2026-11-02T10:00:00Z',
    detail: { userId: 'cafe', traits: { email: 'owner@cafe.example' }, properties: { company: 'Café Ada' } },
  });

  it('answers call steps with the stubs of the file, and reports a stub file problem at file:line:col', async () => {
    // Prepare
    const dir = await tempDir();
    const events = join(dir, 'events.ndjson');
    const stubs = join(dir, 'calls.yaml');
    const broken = join(dir, 'broken.yaml');
    const result = join(dir, 'result.json');
    await writeFile(events, `${inquiry}\n`);
    await writeFile(
      stubs,
      '- step: post-lead\n  answer: { lead: { tier: key-account, owner: { name: Priya } } }\n',
    );
    await writeFile(broken, '- step: post-lead\n  anwser: {}\n');
    const { io } = memoryIo();
    const failing = memoryIo();

    // Act
    const code = await main(['simulate', '--events', events, '--calls', stubs, '--out', result], io);
    const brokenCode = await main(['simulate', '--events', events, '--calls', broken], failing.io);

    // Assess
    expect(code).toBe(0);
    const { messages } = z
      .object({ messages: z.array(z.object({ stepId: z.string() })) })
      .parse(JSON.parse(await readFile(result, 'utf8')));
    expect(messages.map((m) => m.stepId)).toEqual(['key-account-reply']);
    expect(brokenCode).toBe(1);
    expect(failing.err[0]).toMatch(
      /broken\.yaml:2:3 \[0\]\.anwser: unknown key "anwser"; did you mean "answer"\?/,
    );
  });
});
