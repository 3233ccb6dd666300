import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; `.ci/run` installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Where each run's screenshots go (gitignored); printed so a person can look. */
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/ui');
/** The README's screenshots, rewritten only with UPDATE_SCREENSHOTS=1. */
export const README_IMAGES = resolve(import.meta.dirname, '../../docs/images');

export async function screenshot(page: Page, name: string, readmeName?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (readmeName !== undefined && process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(README_IMAGES, { recursive: true });
    await page.screenshot({ path: resolve(README_IMAGES, `${readmeName}.png`), fullPage: false });
  }
}

/** Console errors and uncaught exceptions of a page, for a "no console errors" check. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}
