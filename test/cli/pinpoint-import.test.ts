import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

const EXPORT = 'test/fixtures/pinpoint/export';

async function cli(args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cairn pinpoint import', () => {
  it('turns the export into files that validate, with journey tests that pass and a report', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    const imported = await cli(['pinpoint', 'import', EXPORT, '--out', dir]);
    const validated = await cli(['validate', dir, '--quiet']);
    const tested = await cli(['test', '--journeys', dir]);
    const report = await readFile(join(dir, 'IMPORT-REPORT.md'), 'utf8');
    // Assess
    expect(imported.code).toBe(0);
    expect(validated.err).toBe('');
    expect(validated.code).toBe(0);
    expect(tested.out).toContain('8 passed, 0 failed');
    expect(tested.code).toBe(0);
    expect(report).toContain('`Activities.a7.ContactCenter`: Amazon Connect calls have no Cairn step');
    expect(report).toContain('Pinpoint ended the journey for held-out customers');
    expect(report).toContain('`Schedule`: Cairn journeys have no start and end times');
    expect(report).toContain('`Limits.MessagesPerSecond`');
    expect(report).toContain('`Dimensions.Behavior.Recency`: active means');
  });

  it('maps each activity type to its step', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    await cli(['pinpoint', 'import', EXPORT, '--out', dir]);
    const welcome = await readFile(join(dir, 'welcome-series.yaml'), 'utf8');
    const vip = await readFile(join(dir, 'vip-offers.yaml'), 'utf8');
    // Assess
    for (const type of ['send', 'wait', 'branch', 'holdout', 'call'])
      expect(welcome).toContain(`type: ${type}`);
    for (const type of ['split', 'branch', 'call']) expect(vip).toContain(`type: ${type}`);
    expect(welcome).toContain('id: welcome-email');
    expect(welcome).toContain('is: opened');
    expect(welcome).toContain('function: arn:aws:lambda:eu-west-1:123456789012:function:crm-sync');
    expect(vip).toContain('at: 2026-12-01T09:00:00Z');
    expect(vip).toContain('Segment Entered');
  });

  it('rejects a key Pinpoint never had with the file and the path, and writes nothing', async () => {
    // Prepare
    const source = await tempDir();
    const dir = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    const file = join(source, 'journeys', 'j-welcome.json');
    const journey = JSON.parse(await readFile(file, 'utf8'));
    journey.Activities.a2.Wait.WaitTime.WaitFour = 'P1D';
    await writeFile(file, JSON.stringify(journey, null, 2));
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', dir]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /journeys\/j-welcome\.json:\d+:\d+ Activities\.a2\.Wait\.WaitTime\.WaitFour: unknown key "WaitFour"; did you mean "WaitFor"\?/,
    );
    await expect(readFile(join(dir, 'IMPORT-REPORT.md'), 'utf8')).rejects.toThrow();
  });

  it('rejects a malformed value with its path', async () => {
    // Prepare
    const source = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    const file = join(source, 'segments', 's-uk.json');
    await writeFile(file, '{ "ApplicationId": "app-1", "Id": "s-uk", "SegmentType": "DYNAMIC" }');
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/segments\/s-uk\.json:1:\d+ SegmentType: /);
  });

  it('tells the exact profile import for the endpoint files the export downloaded, which imports them', async () => {
    // Prepare
    const source = await tempDir();
    await cp(EXPORT, source, { recursive: true });
    await mkdir(join(source, 'endpoints'));
    await writeFile(
      join(source, 'endpoints', 'job-1_part-0.jsonl'),
      '{"ChannelType":"EMAIL","Address":"ana@example.com","User":{"UserId":"ana"}}\n',
    );
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    const command = result.out.split('\n').find((line) => line.includes('cairn import profiles'));
    const args = command?.trim().split(' ').slice(1, -2) ?? [];
    const profiles = await cli(args);
    // Assess
    expect(command?.trim()).toBe(
      `cairn import profiles ${join(source, 'endpoints', 'job-1_part-0.jsonl')} --format pinpoint > profiles-job-1_part-0.ndjson`,
    );
    expect(profiles.code).toBe(0);
    expect(JSON.parse(profiles.out).detail.userId).toBe('ana');
  });

  it('rejects the invented shapes seen in public Pinpoint snippets, each with its path', async () => {
    // Prepare: keys Pinpoint never had, as blog posts and generated snippets write them (a Send* activity, the
    // NextActivity beside the activity instead of in it, EventPastDays, a ComparisonOperator on a dimension).
    const source = await tempDir();
    await mkdir(join(source, 'journeys'));
    const invented = {
      ApplicationId: 'app-1',
      Id: 'j-invented',
      Name: 'Invented',
      StartActivity: 'remind',
      StartCondition: { EventStartCondition: { EventPastDays: 0 } },
      Activities: {
        remind: { SendEmail: { MessageType: 'PROMOTIONAL' } },
        welcome: { EMAIL: { TemplateName: 'welcome' }, NextActivity: 'check' },
        check: {
          ConditionalSplit: {
            Condition: {
              Conditions: [
                {
                  EventCondition: { Dimensions: { EventType: { Values: ['x'], ComparisonOperator: 'IN' } } },
                },
              ],
            },
          },
        },
      },
    };
    await writeFile(join(source, 'journeys', 'j-invented.json'), JSON.stringify(invented, null, 2));
    // Act
    const result = await cli(['pinpoint', 'import', source, '--out', await tempDir()]);
    // Assess
    expect(result.code).toBe(1);
    for (const path of [
      'StartCondition.EventStartCondition.EventPastDays: unknown key',
      'Activities.remind.SendEmail: unknown key',
      'Activities.welcome.NextActivity: unknown key',
      'Activities.check.ConditionalSplit.Condition.Conditions[0].EventCondition.Dimensions.EventType.ComparisonOperator: unknown key',
    ])
      expect(result.err).toContain(path);
  });
});
