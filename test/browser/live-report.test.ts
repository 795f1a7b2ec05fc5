import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { memoryIo, signUpEntry, waitForLine } from '../cli/support.ts';
import { drawnSvgs, launchChromium, watchedTab } from '../support/chromium.ts';

// The live report of `npm start -- --serve` in a real browser: the page the stack serves on its endpoint shows
// what the stack did, and a sign-up put through PutEvents appears in it after the page refreshes itself.

/** Waits for the page's own refreshes until its text has `wanted`; at most `times` of them. */
async function refreshedUntil(tab: Page, wanted: string, times = 10): Promise<string> {
  for (let i = 0; i < times; i++) {
    const text = (await tab.textContent('body')) ?? '';
    if (text.includes(wanted)) return text;
    await tab.waitForEvent('load', { timeout: 15_000 });
  }
  throw new Error(`the page did not show "${wanted}" after ${times} refreshes`);
}

describe('the live report of the served stack in Chromium', () => {
  it('shows a sign-up put through PutEvents after it refreshes, with its diagram and no console error', async () => {
    // Prepare
    const { io, out, err } = memoryIo();
    const port = 45_000 + Math.floor(Math.random() * 2_000);
    const running = main(
      ['start', '--serve', '--port', String(port), '--ses-port', String(port + 2_000)],
      io,
    );
    onTestFinished(async () => {
      process.emit('SIGINT');
      await running;
    });
    // The start runs the journey tests and starts its servers in this process: alone about 5 s, but once over
    // 60 s in a full \`npm test\` on 2 cores, while the other fork ran its own heavy file. A guard against a hang.
    const url = (await waitForLine(out, /Live report\s+http/, 150_000)).match(/http\S+/)?.[0];
    const endpoint = (await waitForLine(out, /EventBridge PutEvents\s+http/)).match(/http\S+/)?.[0];
    if (!url || !endpoint) throw new Error(`no live report or endpoint printed:\n${out.join('\n')}`);
    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const { tab, errors, requests } = await watchedTab(browser);
    await tab.goto(url, { waitUntil: 'load' });
    const before = (await tab.textContent('body')) ?? '';

    // Act: a sign-up, as an app sends it.
    const client = localEventBridge(endpoint);
    await client.send(
      new PutEventsCommand({
        Entries: [signUpEntry('usr_live')],
      }),
    );
    client.destroy();
    const after = await refreshedUntil(tab, 'Entered 1 enrollment(s) of 1 customer(s)');
    const diagrams = await drawnSvgs(tab, 'section#welcome-series figure.diagram svg');
    await mkdir('test-artifacts', { recursive: true });
    await tab.screenshot({ path: resolve('test-artifacts/live-report.png'), fullPage: true });

    // Assess
    expect(url).toBe(`http://localhost:${port}/report`);
    expect(before).toContain('No journey has records in the log');
    expect(after).toContain('welcome-series');
    expect(diagrams).toHaveLength(1);
    expect(diagrams[0]?.nodes).toBeGreaterThan(3);
    expect(diagrams[0]?.width).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    expect(new Set(requests)).toEqual(new Set([url]));
    expect(err).toEqual([]);
  }, 240_000);
});
