/**
 * Debian's chromium, driven by playwright-core (which never downloads a browser), for the e2e
 * tests of the hosted pages; and axe-core, run inside the page, for accessibility checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';

/** Where Debian installs chromium (CI installs it there: .ci/run); `CHROMIUM_PATH` overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser per test file, closed after it. */
export const useBrowser = () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A fresh page in its own context (no shared state between tests). Everything the page
   * requests, and every console message, is recorded to check that nothing leaves the origin
   * and the Content-Security-Policy blocks nothing the page needs.
   */
  const open = async (options: BrowserContextOptions = {}) => {
    if (!browser) throw new Error('browser not started');
    const context = await browser.newContext({ locale: 'en-GB', ...options });
    const page = await context.newPage();
    const requests: string[] = [];
    const console: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    return { page, context, requests, console, close: () => context.close() };
  };

  return { open };
};

const axeSource = readFileSync(join(projectRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules, plus best practices) on the page and returns the
 * serious and critical violations. The page's CSP forbids scripts, so the context must be opened
 * with `bypassCSP: true` for axe to be injected.
 */
export const seriousViolations = async (page: Page) => {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: (options: unknown) => Promise<AxeResults> } }).axe.run(
      // Options alone: axe then checks the whole document.
      {
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
        },
      },
    ),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.html) }));
};
