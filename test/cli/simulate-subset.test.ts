import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { generateEvents } from '../../functions/core/generate/index.ts';
import { memoryIo, tempDir } from './support.ts';

/** The outcome log's lines, all days, in one order (their order within a day follows the workers). */
async function logLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const day of (await readdir(dir)).sort())
    lines.push(...(await readFile(join(dir, day, 'simulate.ndjson'), 'utf8')).split('\n').filter(Boolean));
  return lines.sort();
}

/** `cairn simulate` of `events` on `workers`, with what it printed, wrote to --out and logged. */
async function simulate(dir: string, events: string, workers: number, extra: string[] = []) {
  const out = join(dir, `result-${workers}.json`);
  const log = join(dir, `log-${workers}`);
  const { io, out: printed, err } = memoryIo();
  const code = await main(
    ['simulate', '--events', events, '--workers', String(workers), '--out', out, '--log', log, ...extra],
    io,
  );
  return {
    code,
    err,
    text: await readFile(out, 'utf8'),
    // The last lines name the files written, which differ by run.
    printed: printed.filter((line) => !line.startsWith('Wrote ')),
    log: await logLines(log),
  };
}

type Simulated = Awaited<ReturnType<typeof simulate>>;

/** The same `--out`, byte for byte, the same outcome records and the same summary as `one` (one worker). */
function expectSame(run: Simulated, one: Simulated): void {
  expect(run.text).toBe(one.text);
  expect(run.log).toEqual(one.log);
  expect(run.printed).toEqual(one.printed);
}

const event = (userId: string, time: string, type: string) =>
  JSON.stringify({
    version: '0',
    id: `${userId}-${type}-${time}`,
    'detail-type': type,
    source: 'com.example.shop',
    account: '123456789012',
    time,
    region: 'eu-west-1',
    resources: [],
    detail: { userId, properties: {}, traits: { email: `${userId}@example.com` } },
  });

/**
 * Offer A (transactional, one a second) and offer B (marketing, one a second, held by a cap rather than
 * skipped), a marketing note C without a limit, and a cap of one marketing message a minute.
 */
async function twoLimitsFolder(dir: string): Promise<string> {
  const journeys = join(dir, 'journeys');
  await mkdir(join(journeys, 'templates'), { recursive: true });
  const journey = (id: string, category: string, type: string, more: string) =>
    `id: ${id}\nname: ${id}\ncategory: ${category}\nstatus: active\ntrigger:\n  event:\n    detail-type: [${type}]\n${more}steps:\n  - { id: send, type: send, channel: email, template: note }\n`;
  await writeFile(
    join(journeys, 'a-offer.yaml'),
    journey('a-offer', 'transactional', 'A Asked', 'sendRate: { perSecond: 1 }\n'),
  );
  await writeFile(
    join(journeys, 'b-offer.yaml'),
    journey('b-offer', 'marketing', 'B Asked', 'sendRate: { perSecond: 1 }\nonCap: defer\n'),
  );
  await writeFile(join(journeys, 'c-note.yaml'), journey('c-note', 'marketing', 'C Asked', ''));
  await writeFile(
    join(journeys, 'templates', 'note.yaml'),
    `description: A note.\nemail:\n  subject: "A note"\n  html: '<p>Hello.</p><a href="{{ unsubscribeUrl }}">Unsubscribe</a>'\n  text: "Hello. Unsubscribe: {{ unsubscribeUrl }}"\n`,
  );
  await writeFile(
    join(journeys, 'policies.yaml'),
    'caps:\n  - { id: one-a-minute, max: 1, per: PT1M, category: marketing }\n',
  );
  return journeys;
}

const subsetSaid = /simulating the \d+ customer\(s\) whose sends it queued again together/;

describe('cairn simulate --workers, where a send-rate limit binds', () => {
  it('simulates only the customers it couples again, and writes what one worker writes on 2 and 3', async () => {
    // Prepare: the sample journeys with holiday-vip's limit lowered to 2 a second, over a December of 150
    // generated customers: VIPs of one time zone ask for the campaign's send in the same second.
    const dir = await tempDir();
    const journeys = join(dir, 'journeys');
    await cp('journeys', journeys, { recursive: true });
    const campaign = join(journeys, 'campaigns', 'holiday-vip.yaml');
    const yaml = await readFile(campaign, 'utf8');
    await writeFile(campaign, yaml.replace('messagesPerSecond: 200', 'messagesPerSecond: 2'));
    const events = join(dir, 'events.ndjson');
    const lines = [...generateEvents({ users: 150, days: 30, seed: 11, start: '2026-12-01' })];
    await writeFile(events, `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const options = ['--journeys', journeys, '--policies', join(journeys, 'policies.yaml')];
    const one = await simulate(dir, events, 1, options);
    const vip = [...one.text.matchAll(/"userId": "([^"]+)",\s+"journeyId": "holiday-vip"/g)][0]?.[1] ?? '';

    // Act
    const two = await simulate(dir, events, 2, [...options, '--user', vip]);
    const three = await simulate(dir, events, 3, [...options, '--user', vip]);
    const oneAsUser = await simulate(join(dir), events, 1, [...options, '--user', vip]);

    // Assess: a send was queued behind another (sent a second after it asked), and the split changed nothing.
    expect(one.code).toBe(0);
    const result: { messages: { journeyId: string; intendedAt: string; at: string }[] } = JSON.parse(
      one.text,
    );
    const queued = result.messages.filter((m) => m.journeyId === 'holiday-vip' && m.at !== m.intendedAt);
    expect(queued.length).toBeGreaterThan(0);
    for (const run of [two, three]) {
      expect(run.err.join('\n')).toMatch(subsetSaid);
      expect(run.err.join('\n')).not.toContain('whole file');
      expectSame(run, oneAsUser);
    }
    expect(oneAsUser.printed.join('\n')).toContain('holiday-vip');
  }, 300_000);

  it('widens the subset when its rerun moves another customer: a second limit binds only then', async () => {
    // Prepare: s2 and s4 (one worker of 2) and s1 (the other) ask offer A at 10:00:00; one a second queues s4's
    // and s1's. s2 and r2 are held by the cap until 10:00:01 for offer B: r2, of s1's worker, asked nothing
    // of A, but the paced stop at 10:00:01 of the run of all hands its B send over then, beside s2's, and B's
    // limit queues one of them. a and b are customers nothing couples.
    const dir = await tempDir();
    const journeys = await twoLimitsFolder(dir);
    const at = (time: string) => `2026-12-01T${time}Z`;
    const coupled = [
      event('s2', at('09:59:01'), 'C Asked'),
      event('r2', at('09:59:01'), 'C Asked'),
      event('s2', at('09:59:30'), 'B Asked'),
      event('r2', at('09:59:30'), 'B Asked'),
      event('s2', at('10:00:00'), 'A Asked'),
      event('s4', at('10:00:00'), 'A Asked'),
      event('s1', at('10:00:00'), 'A Asked'),
    ];
    const bystanders = ['11', '12', '13', '14', '15'].flatMap((hour) => [
      event('a', at(`${hour}:00:00`), 'C Asked'),
      event('b', at(`${hour}:00:00`), 'C Asked'),
    ]);
    const events = join(dir, 'events.ndjson');
    await writeFile(events, `${[...coupled, ...bystanders].join('\n')}\n`);
    const options = ['--journeys', journeys, '--policies', join(journeys, 'policies.yaml')];

    // Act
    const one = await simulate(dir, events, 1, options);
    const two = await simulate(dir, events, 2, options);
    const three = await simulate(dir, events, 3, options);

    // Assess
    const result: { messages: { userId: string; journeyId: string; at: string }[] } = JSON.parse(one.text);
    const sentAt = (userId: string, journeyId: string) =>
      result.messages.find((m) => m.userId === userId && m.journeyId === journeyId)?.at;
    expect(sentAt('s2', 'b-offer')).toBe('2026-12-01T10:00:01.000Z');
    expect(sentAt('r2', 'b-offer')).toBe('2026-12-01T10:00:02.000Z');
    expect(two.err).toEqual([
      expect.stringMatching(/a-offer bound .* simulating the 3 customer\(s\)/),
      expect.stringMatching(/they couple 1 more customer\(s\) with them/),
    ]);
    for (const run of [two, three]) {
      expectSame(run, one);
    }
  }, 120_000);

  it('simulates the whole file again on one worker once the coupled customers hold half its lines', async () => {
    // Prepare: offer A's three customers asking at 10:00:00 have 3 of the 5 lines.
    const dir = await tempDir();
    const journeys = await twoLimitsFolder(dir);
    const events = join(dir, 'events.ndjson');
    const lines = [
      event('s1', '2026-12-01T10:00:00Z', 'A Asked'),
      event('s2', '2026-12-01T10:00:00Z', 'A Asked'),
      event('s4', '2026-12-01T10:00:00Z', 'A Asked'),
      event('a', '2026-12-01T11:00:00Z', 'C Asked'),
      event('b', '2026-12-01T11:00:00Z', 'C Asked'),
    ];
    await writeFile(events, `${lines.join('\n')}\n`);
    const options = ['--journeys', journeys, '--policies', join(journeys, 'policies.yaml')];

    // Act
    const one = await simulate(dir, events, 1, options);
    const two = await simulate(dir, events, 2, options);

    // Assess
    expect(two.err).toEqual([
      expect.stringMatching(subsetSaid),
      'cairn simulate: their lines are 3 of 5: simulating the whole file again on one worker costs less',
    ]);
    expectSame(two, one);
  }, 60_000);

  it('writes what one worker writes for generated files of customers asking two limited offers', async () => {
    // Prepare: 10 to 40 events of 20 customers within a minute and a half, at whole and half seconds.
    const dir = await tempDir();
    const journeys = await twoLimitsFolder(dir);
    const options = ['--journeys', journeys, '--policies', join(journeys, 'policies.yaml')];
    const user = fc.integer({ min: 0, max: 19 });
    const drawnAt = (type: string, lastHalfSecond: number) =>
      fc.record({ user, type: fc.constant(type), halfSeconds: fc.integer({ min: 0, max: lastHalfSecond }) });
    // Offer A's asks within ten seconds, where they often ask for one second together; the rest over 90.
    const line = fc.oneof(
      { arbitrary: drawnAt('A Asked', 20), weight: 1 },
      { arbitrary: drawnAt('B Asked', 180), weight: 1 },
      { arbitrary: drawnAt('C Asked', 180), weight: 3 },
    );
    let runs = 0;
    let apart = 0;

    // Act, Assess
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 10, maxLength: 40 }), async (drawn) => {
        const folder = join(dir, `run-${++runs}`);
        await mkdir(folder);
        const events = join(folder, 'events.ndjson');
        const start = Date.parse('2026-12-01T10:00:00Z');
        const text = [...drawn]
          .sort((a, b) => a.halfSeconds - b.halfSeconds)
          .map((e, index) =>
            event(`u${e.user}`, new Date(start + e.halfSeconds * 500).toISOString(), e.type).replace(
              `"id":"u${e.user}`,
              `"id":"${index}-u${e.user}`,
            ),
          );
        await writeFile(events, `${text.join('\n')}\n`);
        const one = await simulate(folder, events, 1, options);
        const two = await simulate(folder, events, 2, options);
        expectSame(two, one);
        const said = two.err.join('\n');
        if (subsetSaid.test(said) && !said.includes('whole file')) apart++;
      }),
      { numRuns: 20, seed: 20261207, endOnFailure: true },
    );
    // In some of the files drawn the limit binds and the subset is merged apart: that merge is what is compared.
    expect(apart).toBeGreaterThan(2);
  }, 300_000);
});
