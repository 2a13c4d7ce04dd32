// Drives the dashboard at full size in headless Chromium. Started by DashboardPageTest, which serves 200 runs x
// 20 series x 500 checkpoints from a dashboard whose Kafka and registry are unreachable and which has no control
// token. usage: node page-check.mjs <dashboard-url> <run-a> <run-b> <screenshot-dir>
// Prints "MEASURED ..." lines (load time, memory) and ALL CHECKS PASSED; exit 0 = every check passed.
import { check, withPage } from './browser.mjs';
import { join } from 'node:path';

const [url, runA, runB, shots] = process.argv.slice(2);
if (!url || !runA || !runB || !shots) {
  console.error('usage: node page-check.mjs <url> <run-a> <run-b> <screenshot-dir>');
  process.exit(2);
}
await withPage(url, { width: 1280, height: 900 }, async (page, context) => {
  // MIXED is being added to core's modes: the page must already colour it. Until the job emits it, the test
  // rewrites a few modes of one run's answer to MIXED on the way to the page.
  await page.route('**/api/runs/' + runA, async (route) => {
    const response = await route.fetch();
    const run = await response.json();
    const fam = run.series.find((s) => s.kind === 'COUNTED');
    fam.points.slice(10, 30).forEach((p) => { p.mode = 'MIXED'; });
    await route.fulfill({ response, json: run });
  });

  // ---- load: 200 runs in the sidebar, the first run's timeline and charts drawn ---------------------------
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const t0 = Date.now();
  await page.goto(url + '#run=' + encodeURIComponent(runA));
  await page.waitForFunction(() => document.querySelectorAll('#runs li').length === 200);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline]').dataset.cols) === 500);
  await page.locator('[data-testid=chart]').nth(19).waitFor();
  const loadMs = Date.now() - t0;
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const heapMb = metrics.JSHeapUsedSize / 1048576;
  console.log(`MEASURED load (200 runs listed, 20 x 500 timeline and 20 charts drawn): ${loadMs} ms, ` +
              `JS heap used ${heapMb.toFixed(1)} MB, DOM nodes ${metrics.Nodes}`);
  const fetches = await page.evaluate((id) => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/api/runs') || e.name.endsWith('/api/runs/' + id))
    .map((e) => ({ name: new URL(e.name).pathname, ms: Math.round(e.duration), kb: Math.round(e.encodedBodySize / 1024) })), runA);
  console.log('MEASURED of which API answers: ' + fetches.map((f) => f.name + ' ' + f.ms + ' ms ' + f.kb + ' KB').join(', '));
  check(await page.locator('#runs li').count() === 200, 'the sidebar lists all 200 runs');
  const liHeight = await page.locator('#runs li').first().evaluate((e) => e.getBoundingClientRect().height);
  check(liHeight < 80, 'a run takes one compact card in the sidebar (' + Math.round(liHeight) + ' px, families summarized)');
  const states = await page.locator('#runs .state').allTextContents();
  check(states.includes('RUNNING') && states.includes('IDLE'), 'runs are RUNNING or IDLE by their last record');

  // ---- alerts and their deliveries -----------------------------------------------------------------------
  const alertLines = await page.locator('[data-testid=alerts] li').allTextContents();
  const sent = alertLines.find((t) => t.includes('(parrot)'));
  check(sent && /ml-oncall ✓ \d\d:\d\d/.test(sent) && /incident-hook ✗ \d\d:\d\d rejected HTTP 400/.test(sent),
        'an alert shows its deliveries next to it: ' + sent);
  const pending = alertLines.find((t) => t.includes('(parrot-stable)'));
  check(pending && pending.includes('not delivered yet'), 'an alert the notifier has not handled says so: ' + pending);

  // ---- timeline ------------------------------------------------------------------------------------------
  const tl = page.locator('[data-testid=timeline]');
  const d = await tl.evaluate((e) => ({ ...e.dataset }));
  check(d.rows === '16' && d.cols === '500', 'the mode timeline has a row per family (16) and a column per checkpoint (500)');
  check(Number(d.hops) >= 5, 'the timeline marks the hops (' + d.hops + ')');
  check(d.levelRows === '1', 'the level series with a hop (the loss) gets a grey row of its own');
  check(d.modes.split(',').includes('MIXED') && d.modes.split(',').includes('PARROT') &&
        d.modes.split(',').includes('GENERALIZING') && d.modes.split(',').includes('UNDECIDED'),
        'the timeline colours GENERALIZING, MIXED, PARROT and UNDECIDED (' + d.modes + ')');
  const box = await tl.boundingBox();
  const labelW = Number(d.labelWidth);
  const cellW = Number(d.cellWidth);
  const rowH = Number(d.rowHeight);
  // click the cell of row 0 at column 41: checkpoint at step 4200
  await page.mouse.click(box.x + labelW + cellW * 41 + cellW / 2, box.y + rowH / 2);
  await page.locator('[data-testid=checkpoint]').waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('[data-testid=checkpoint]').dataset.step === '4200');
  check((await page.locator('#checkpoint-table tbody tr').count()) === 20, 'clicking a cell opens that checkpoint with every series');
  await tl.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=checkpoint]').dataset.step === '4300');
  check(true, 'the timeline works from the keyboard (arrow right, Enter opens the next checkpoint)');

  // ---- small multiples, loss on its own axis --------------------------------------------------------------
  check(await page.locator('[data-testid=chart]').count() === 20, 'one small chart per series (20)');
  const loss = page.locator('[data-testid=chart][data-series="loss"]');
  const lossData = await loss.evaluate((e) => ({ ...e.dataset }));
  check(lossData.kind === 'LEVEL' && lossData.yScale === 'log', 'loss is a level series drawn on a log axis');
  check(Number(lossData.yMin) > 2 && Number(lossData.yMin) < 3 && Number(lossData.yMax) > 3.6 && Number(lossData.yMax) < 5,
        'the loss axis follows the data (' + Number(lossData.yMin).toFixed(2) + '..' + Number(lossData.yMax).toFixed(2) + '), not 0..1');
  const acc = await page.locator('[data-testid=chart][data-series="family-00"]').evaluate((e) => ({ ...e.dataset }));
  check(acc.yMin === '0' && acc.yMax === '1', 'a probe family keeps its 0..1 accuracy axis');
  const lines = await page.evaluate(() => Object.fromEntries([...window.__modehop.charts.entries()]
    .map(([n, e]) => [n, e.plot.series.length - 1])));
  check(lines['loss'] === 1 && lines['family-00'] === 2, 'no soft-score line on a level series; hard and soft on a family');
  const xMins = await page.evaluate(() => [...window.__modehop.charts.values()].map((e) => e.plot.scales.x.min));
  check(xMins.every((x) => x >= 0 && !Object.is(x, -0)), 'no x axis starts below 0 (no "-0")');
  const bg = await loss.locator('.u-over').evaluate((e) => getComputedStyle(e.closest('.chart')).backgroundColor);
  check(bg === 'rgb(255, 255, 255)', 'a level chart has a white background (' + bg + ')');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=hop-change]')].length > 0);
  const changes = await page.locator('[data-testid=hop-change]').allTextContents();
  check(changes.every((c) => !c.includes('?')) && changes.some((c) => c.startsWith('up ')),
        'the hops table shows a level hop by its direction and values, never "? -> ?"');

  // search and filter
  await page.fill('[data-testid=series-search]', 'lm-eval');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart]').length === 3);
  check(true, 'searching "lm-eval" leaves its 3 charts');
  await page.fill('[data-testid=series-search]', '');
  await page.selectOption('[data-testid=series-kind]', 'LEVEL');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart]').length === 4);
  check(true, 'the kind filter shows the 4 level series');
  await page.selectOption('[data-testid=series-kind]', 'all');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart]').length === 20);

  // zoom on the step axis: a drag on one chart zooms every chart; the shared cursor reads every series
  const fam = page.locator('[data-testid=chart][data-series="family-04"] .u-over');
  await fam.scrollIntoViewIfNeeded();
  const fb = await fam.boundingBox();
  await page.mouse.move(fb.x + fb.width * 0.2, fb.y + fb.height / 2);
  await page.mouse.down();
  await page.mouse.move(fb.x + fb.width * 0.5, fb.y + fb.height / 2, { steps: 5 });
  await page.mouse.up();
  const ranges = await page.evaluate(() => [...window.__modehop.charts.values()].map((e) => [e.plot.scales.x.min, e.plot.scales.x.max]));
  check(ranges.every((r) => r[0] === ranges[0][0] && r[1] === ranges[0][1]) && ranges[0][1] - ranges[0][0] < 30000,
        'dragging zooms the step axis of every chart together (' + Math.round(ranges[0][0]) + '..' + Math.round(ranges[0][1]) + ')');
  await page.mouse.move(fb.x + fb.width * 0.6, fb.y + fb.height / 2);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=readout]').dataset.values) === 20);
  check(true, 'the shared cursor shows the value of all 20 series at the hovered step');
  await page.click('#reset-zoom');

  // hovering a data window shows its mixture
  await page.locator('[data-testid=chart][data-series="family-00"] [data-testid=window][data-window-id=w1]').hover();
  await page.locator('#tooltip').filter({ hasText: 'icl' }).waitFor();
  check(true, 'hovering a data window shows its mixture');
  await page.mouse.move(0, 0);

  // ---- honest state --------------------------------------------------------------------------------------
  await page.locator('[data-testid=offline-banner]').filter({ hasText: 'Cannot reach Kafka' }).waitFor();
  check((await page.locator('[data-testid=offline-banner]').textContent()).includes('schema registry'),
        'the banner says Kafka and the registry cannot be reached');
  check((await page.locator('[data-testid=live]').textContent()) !== 'live', 'the badge does not claim "live" without Kafka');
  check(await page.locator('[data-testid=control-fields]').evaluate((e) => e.disabled), 'the control form is disabled without a token');
  check((await page.locator('[data-testid=control-note]').textContent()).includes('Read-only'), 'and says why');
  const fieldOpacity = await page.locator('[data-testid=control-fields]').evaluate((e) => Number(getComputedStyle(e).opacity));
  check(fieldOpacity < 0.8, 'and looks disabled (opacity ' + fieldOpacity + ')');
  await page.click('#checkpoint-close');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, 'dashboard-overview.png') });
  await page.screenshot({ path: join(shots, 'dashboard-run.png'), fullPage: true });
  await page.selectOption('[data-testid=series-kind]', 'LEVEL');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart]').length === 4);
  await page.locator('#charts-title').scrollIntoViewIfNeeded();
  await page.locator('#charts').locator('..').screenshot({ path: join(shots, 'dashboard-levels.png') });
  await page.selectOption('[data-testid=series-kind]', 'all');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart]').length === 20);

  // ---- switching runs stays quick --------------------------------------------------------------------------
  const t1 = Date.now();
  await page.locator('#runs button[data-run-id="' + runB + '"]').click();
  await page.waitForFunction((id) => document.getElementById('run-title').textContent === id, runB);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline]').dataset.cols) === 500);
  const switchMs = Date.now() - t1;
  console.log(`MEASURED switching to another run (fetch + timeline + 20 charts): ${switchMs} ms`);
  // keyboard: arrow down in the runs list moves the focus to the next run
  await page.locator('#runs button[data-run-id="' + runB + '"]').focus();
  const next = await page.evaluate((id) => {
    const ids = [...document.querySelectorAll('#runs .run-button')].map((b) => b.dataset.runId);
    return ids[ids.indexOf(id) + 1];
  }, runB);
  await page.keyboard.press('ArrowDown');
  check(await page.evaluate((id) => document.activeElement.dataset.runId === id, next),
        'the runs list works with arrow keys (down from ' + runB + ' to ' + next + ')');
  await page.fill('[data-testid=run-filter]', 'run-19');
  await page.waitForFunction(() => document.querySelectorAll('#runs li').length === 10);
  check(true, 'the run filter narrows 200 runs to the 10 matching "run-19"');
  await page.fill('[data-testid=run-filter]', '');

  // ---- compare two runs ------------------------------------------------------------------------------------
  await page.locator('[data-testid=compare-box][data-run-id="' + runA + '"]').check();
  await page.locator('[data-testid=compare-box][data-run-id="' + runB + '"]').check();
  await page.click('[data-testid=compare-open]');
  await page.locator('[data-testid=compare]').waitFor({ state: 'visible' });
  await page.selectOption('[data-testid=compare-series]', 'family-00');
  await page.waitForFunction(() => document.querySelector('[data-testid=compare-chart]').dataset.series === 'family-00');
  check(await page.locator('[data-testid=compare-chart]').getAttribute('data-runs') === '2', 'the comparison draws both runs');
  check(await page.locator('[data-testid=compare-timeline]').count() === 2, 'with a mode strip per run on the same axis');
  const hopsOnStrips = await page.locator('[data-testid=compare-timeline]').evaluateAll((s) => s.map((e) => Number(e.dataset.hops)));
  check(hopsOnStrips.every((n) => n >= 1), 'the strips mark each run\'s hops');
  await page.selectOption('[data-testid=compare-align]', 'tokens');
  await page.waitForFunction(() => document.querySelector('[data-testid=compare-chart]').dataset.align === 'tokens');
  const xMax = await page.evaluate(() => document.querySelector('[data-testid=compare-chart] .u-over') && true);
  check(xMax, 'aligned by tokens as well');
  await page.selectOption('[data-testid=compare-series]', 'loss');
  await page.waitForFunction(() => document.querySelector('[data-testid=compare-chart]').dataset.series === 'loss');
  check(await page.locator('[data-testid=compare-chart]').getAttribute('data-y-scale') === 'log', 'compared loss keeps its log axis');
  await page.selectOption('[data-testid=compare-series]', 'family-00');
  await page.selectOption('[data-testid=compare-align]', 'step');
  await page.waitForFunction(() => document.querySelector('[data-testid=compare-chart]').dataset.align === 'step');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(shots, 'dashboard-compare.png') });

  const after = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  console.log(`MEASURED JS heap used after switching runs and comparing: ${(after.JSHeapUsedSize / 1048576).toFixed(1)} MB`);

});
