import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';

/** Keeps the README's line on the samples true as journeys and campaigns are added to `journeys/`. */

const COUNT_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
];

/** The `.yaml` files of a folder with `key` at the top: a journey's trigger, a campaign's schedule. */
async function filesWith(dir: string, key: 'trigger' | 'schedule'): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort();
  const found: string[] = [];
  for (const name of names) {
    const document = z
      .record(z.string(), z.unknown())
      .safeParse(parse(await readFile(join(dir, name), 'utf8')));
    if (document.success && document.data[key] !== undefined) found.push(name);
  }
  return found;
}

function countNamed(line: string, noun: string): number {
  const match = new RegExp(`\\b(\\w+) (?:sample )?${noun}\\b`, 'i').exec(line);
  const word = match?.[1]?.toLowerCase() ?? '';
  return COUNT_WORDS.indexOf(word);
}

describe('the README', () => {
  it('counts the sample journeys and campaigns that journeys/ holds', async () => {
    // Prepare
    const readme = await readFile('README.md', 'utf8');
    const samples = readme.split('\n').find((line) => /^\|\s*\w+ sample journeys/i.test(line)) ?? '';
    const journeys = await filesWith('journeys', 'trigger');
    const campaigns = await filesWith('journeys/campaigns', 'schedule');

    // Act
    const saidJourneys = countNamed(samples, 'journeys');
    const saidCampaigns = countNamed(samples, 'campaigns?');

    // Assess
    expect(journeys.length).toBeGreaterThan(0);
    expect({ journeys: saidJourneys, campaigns: saidCampaigns }).toEqual({
      journeys: journeys.length,
      campaigns: campaigns.length,
    });
  });
});
