// What both browser checks share: Debian's headless Chromium through playwright-core, one fresh profile, a page
// that records every request to another origin and every script error, and the final verdict line.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
  console.log('ok - ' + message);
}

/**
 * Opens a page, runs `body(page, context)`, then checks that nothing came from another origin (no CDN, fonts
 * or analytics) and no script failed, and prints ALL CHECKS PASSED. Any failure sets exit code 1.
 */
export async function withPage(url, viewport, body) {
  const executablePath = process.env.MODEHOP_CHROMIUM || '/usr/bin/chromium';
  const profile = await mkdtemp(join(tmpdir(), 'modehop-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport,
    });
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(60_000);
    const origin = new URL(url).origin;
    const foreign = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('about:')) foreign.push(u);
    });
    const pageErrors = [];
    page.on('pageerror', (e) => { pageErrors.push(String(e)); console.log('page error: ' + e); });
    await body(page, context);
    check(foreign.length === 0, 'nothing was loaded from outside the dashboard' +
          (foreign.length ? ': ' + foreign.join(', ') : ''));
    check(pageErrors.length === 0, 'no script errors' + (pageErrors.length ? ': ' + pageErrors.join('; ') : ''));
    console.log('ALL CHECKS PASSED');
  } catch (e) {
    console.error(e && e.stack ? e.stack : String(e));
    process.exitCode = 1;
  } finally {
    if (context) await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }
}
