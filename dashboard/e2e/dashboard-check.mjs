// Drives the dashboard in headless Chromium. Started by DashboardEndToEndTest, which has already replayed a
// planted hop; usage: node dashboard-check.mjs <dashboard-url> <step-of-the-live-checkpoint> <screenshot.png> <token>
// The dashboard has a control token, so the page must be given it before it can read anything.
// Protocol with the Java side: prints "READY_FOR_LIVE_EVENT" once the page shows the hop; the test then
// produces a new checkpoint, which the page must show without being reloaded. Exit 0 = every check passed.
import { check, withPage } from './browser.mjs';

const [url, liveStep, screenshot, token] = process.argv.slice(2);
if (!url || !liveStep || !screenshot || !token) {
  console.error('usage: node dashboard-check.mjs <url> <live-step> <screenshot.png> <token>');
  process.exit(2);
}
await withPage(url, { width: 1280, height: 1000 }, async (page) => {
  // 0. with a control token configured the page shows nothing until it is given a token
  await page.goto(url);
  await page.locator('[data-testid=token-form]').waitFor({ state: 'visible' });
  await page.locator('[data-testid=offline-banner]').filter({ hasText: 'access token' }).waitFor();
  check(await page.locator('#runs li').count() === 0, 'without a token the page lists no run and asks for one');
  await page.fill('#access-token', token);
  await page.click('[data-testid=token-form] button');

  // 1. the page shows the planted hop, with its verdict, on the chart and in the table
  const marker = page.locator('[data-testid=hop-marker]').first();
  await marker.waitFor({ state: 'visible' });
  const verdict = await marker.getAttribute('data-verdict');
  check(['STABLE', 'TRANSIENT', 'PENDING'].includes(verdict), 'the chart marks the hop, verdict ' + verdict);
  check((await marker.textContent()).includes(verdict), 'the hop marker is labelled with its verdict');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=hop-verdict]')]
    .some((e) => e.textContent === 'STABLE'));
  check(true, 'the hops table shows the planted hop as STABLE');
  const change = await page.locator('[data-testid=hop-change]').first().textContent();
  check(change === 'GENERALIZING → PARROT', 'the hops table says GENERALIZING → PARROT (' + change + ')');
  const modes = (await page.locator('[data-testid=timeline]').getAttribute('data-modes')).split(',');
  check(modes.includes('PARROT') && modes.includes('GENERALIZING'), 'the timeline shows both modes (' + modes + ')');
  check(await page.locator('[data-testid=timeline]').getAttribute('data-hops') === '1', 'and the hop on it');
  const chart = page.locator('[data-testid=chart][data-series=flipped]');
  check(await chart.getAttribute('data-kind') === 'COUNTED' && await chart.getAttribute('data-y-min') === '0'
        && await chart.getAttribute('data-y-max') === '1', 'the probe family is drawn on its 0..1 accuracy axis');
  check(await page.locator('[data-testid=chart] [data-testid=window]').count() >= 2, 'data windows are drawn as bands');
  // the scorer's generalization predictors: three small charts with the run's hops drawn across them
  await page.locator('[data-testid=predictors]').waitFor({ state: 'visible' });
  check(await page.locator('[data-testid=predictor-chart]').count() === 3,
        'the predictor panel shows RankMe, participation ratio and parameter norm');
  const points = await page.locator('[data-testid=predictor-chart]').evaluateAll((cs) => cs.map((c) => Number(c.dataset.points)));
  check(points.every((n) => n === 5), 'each predictor is drawn over the 5 checkpoints (' + points + ')');
  const hopsDrawn = await page.locator('[data-testid=predictor-chart]').evaluateAll((cs) => cs.map((c) => Number(c.dataset.hops)));
  check(hopsDrawn.every((n) => n >= 1), 'the hops are drawn across the predictor charts');
  check((await page.locator('[data-testid=predictor-caption]').textContent()).includes('random baseline'),
        'the panel says to compare with a random baseline');
  await page.locator('[data-testid=predictor-test]').first().waitFor();
  check(await page.locator('[data-testid=predictor-test]').count() === 3,
        'predictor vs random baseline: one row per predictor, its r beside the baseline mean and 95th percentile');
  await page.locator('[data-testid=data-selection]').waitFor({ state: 'visible' });
  check((await page.locator('[data-testid=source-statistics]').textContent()).includes('PARROT'),
        'the data selection panel shows which sources preceded the move toward PARROT');
  check((await page.locator('[data-testid=leaderboard-why]').first().textContent()).includes('flipped'),
        'the leaderboard explains its choice by family and stability weight');
  await page.locator('[data-testid=live]').filter({ hasText: /^live$/ }).waitFor();
  check(true, 'the live event stream is connected and Kafka is reachable');
  check(await page.locator('[data-testid=offline-banner]').isHidden(), 'no offline banner while everything is up');

  // hovering a data window shows its mixture
  const band = page.locator('[data-testid=chart] [data-testid=window][data-window-id=w1]').first();
  await band.hover();
  await page.locator('#tooltip').filter({ hasText: 'icl' }).waitFor();
  check(true, 'hovering a data window shows its mixture');

  // 2. live update: the Java side produces a new checkpoint now; the page must show it without a reload
  await page.evaluate(() => { window.__notReloaded = true; });
  const stepBefore = await page.locator('[data-testid=last-step]').textContent();
  console.log('READY_FOR_LIVE_EVENT');
  await page.locator('[data-testid=last-step]').filter({ hasText: new RegExp('^' + liveStep + '$') }).waitFor();
  check(await page.evaluate(() => window.__notReloaded === true),
        'the page updated itself from step ' + stepBefore + ' to ' + liveStep + ' without reloading');

  await page.waitForFunction((step) => {
    const c = window.__modehop.charts.get('flipped');
    return c && c.plot.scales.x.max === step;
  }, Number(liveStep));
  check(true, 'the chart\'s step axis grew to the live checkpoint ' + liveStep);

  // 3. the control form is off until a control token is typed; a wrong one is rejected, and the page says so
  await page.fill('#control-user', 'e2e-browser');
  await page.fill('#control-token', '');
  check(await page.locator('[data-testid=pause]').isDisabled(), 'the control buttons are disabled without a control token');
  check((await page.locator('[data-testid=control-note]').textContent()).includes('control token'), 'and the page says why');
  await page.fill('#control-token', 'not-the-token');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/control')),
    page.click('[data-testid=pause]'),
  ]);
  check(response.status() === 401, 'the dashboard answers 401 to a control action with a wrong token');
  const status = page.locator('[data-testid=control-status]');
  await page.waitForFunction(() => document.querySelector('[data-testid=control-status]').dataset.state === 'rejected');
  check((await status.textContent()).includes('rejected'), 'the page shows the action as rejected');

  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('screenshot ' + screenshot);
});
