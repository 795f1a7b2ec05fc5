import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

// Debian's Chromium, headless, driven by playwright-core: the browser tests' (test/browser/) one way to start it.

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

/** Starts Chromium, or says how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does)`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A tab that keeps its console errors, uncaught errors and requests, for a test to assert on. */
export async function watchedTab(browser: Browser) {
  const tab: Page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('request', (request) => requests.push(request.url()));
  return { tab, errors, requests };
}

/** Each SVG under `selector` as the browser drew it: how many marks, and its box. */
export function drawnSvgs(tab: Page, selector: string) {
  return tab.$$eval(selector, (svgs) =>
    svgs.map((svg) => ({
      marks: svg.querySelectorAll('path, rect, line, circle, text, polygon, ellipse').length,
      nodes: svg.querySelectorAll('g.node').length,
      width: svg.getBoundingClientRect().width,
      height: svg.getBoundingClientRect().height,
    })),
  );
}
