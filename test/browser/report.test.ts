import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeFiles } from '../../functions/adapters/files/outcome-files.ts';
import { main } from '../../functions/cli/main.ts';
import { outcomeObserver } from '../../functions/core/outcomes/observer.ts';
import { memoryIo, tempDir } from '../cli/support.ts';
import { drawnSvgs, launchChromium, watchedTab } from '../support/chromium.ts';
import { simulateShowedUplift } from '../support/showed-uplift.ts';

// The HTML report in a real browser: headless Chromium (the Debian package) opens the page as a file; its charts
// and the journey's diagram render with no console error and it asks for nothing but itself. A screenshot is kept in test-artifacts/.

let dir = '';
let journeys = '';
let page = '';
let browser: Browser | undefined;

beforeAll(async () => {
  dir = await tempDir();
  const log = new OutcomeFiles({ dir: join(dir, 'log'), name: 'simulate' });
  const run = await simulateShowedUplift(outcomeObserver(log));
  journeys = run.folder;
  await log.flush();
  page = join(dir, 'report.html');
  const { io, err } = memoryIo();
  const code = await main(['report', '--log', join(dir, 'log'), '--journeys', journeys, '--html', page], io);
  if (code !== 0) throw new Error(err.join('\n'));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(journeys, { recursive: true, force: true });
});

describe('the HTML report in Chromium', () => {
  it('renders its charts and the journey diagram with no console error and no request but the page itself', async () => {
    // Prepare
    if (!browser) throw new Error('no browser');
    const { tab, errors, requests } = await watchedTab(browser);
    const url = pathToFileURL(page).href;

    // Act
    await tab.goto(url, { waitUntil: 'load' });
    const charts = await drawnSvgs(tab, 'figure.chart svg');
    const diagrams = await drawnSvgs(tab, 'figure.diagram svg');
    const text = await tab.textContent('body');
    await mkdir('test-artifacts', { recursive: true });
    await tab.screenshot({ path: resolve('test-artifacts/report.png'), fullPage: true });

    // Assess
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(charts.length).toBe(3);
    for (const chart of charts) {
      expect(chart.marks).toBeGreaterThan(10);
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(50);
    }
    expect(diagrams.length).toBe(1);
    for (const diagram of diagrams) {
      expect(diagram.nodes).toBeGreaterThan(3);
      expect(diagram.width).toBeGreaterThan(100);
      expect(diagram.height).toBeGreaterThan(50);
    }
    expect(text).toContain('cart-offer-test');
    expect(text).toContain('sms sent nothing');
    await tab.close();
  });

  it('holds no script and nothing from the network: it opens offline', async () => {
    // Act
    const html = await readFile(page, 'utf8');

    // Assess
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });
});
