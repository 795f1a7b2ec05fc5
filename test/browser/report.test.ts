import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeFiles } from '../../functions/adapters/files/outcome-files.ts';
import { main } from '../../functions/cli/main.ts';
import { outcomeObserver } from '../../functions/core/outcomes/observer.ts';
import { memoryIo, tempDir } from '../cli/support.ts';
import { simulateShowedUplift } from '../support/showed-uplift.ts';

// The HTML report in a real browser: headless Chromium (the Debian package) opens the page as a file; its charts
// render with no console error and it asks for nothing but itself. A screenshot is kept in test-artifacts/.

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium reaches out for updates, sync and components, refused again and again on a closed network.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let dir = '';
let journeys = '';
let page = '';
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does)`,
    );
  dir = await tempDir();
  const log = new OutcomeFiles({ dir: join(dir, 'log'), name: 'simulate' });
  const run = await simulateShowedUplift(outcomeObserver(log));
  journeys = run.folder;
  await log.flush();
  page = join(dir, 'report.html');
  const { io, err } = memoryIo();
  const code = await main(['report', '--log', join(dir, 'log'), '--journeys', journeys, '--html', page], io);
  if (code !== 0) throw new Error(err.join('\n'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(journeys, { recursive: true, force: true });
});

describe('the HTML report in Chromium', () => {
  it('renders its charts with no console error and no request but the page itself', async () => {
    // Prepare
    if (!browser) throw new Error('no browser');
    const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(page).href;

    // Act
    await tab.goto(url, { waitUntil: 'load' });
    const charts = await tab.$$eval('figure.chart svg', (svgs) =>
      svgs.map((svg) => ({
        marks: svg.querySelectorAll('path, rect, line, circle, text').length,
        width: svg.getBoundingClientRect().width,
        height: svg.getBoundingClientRect().height,
      })),
    );
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
