// The modehop dashboard page: renders /api/runs, /api/runs/{id} and /api/runs/{id}/checkpoints/{step} with
// uPlot (bundled into the jar from npm), refreshes on the /api/events stream, compares runs.
// Everything that comes from Kafka is inserted as text (never as HTML): run ids and sources are user data.
(function () {
  'use strict';

  // Okabe-Ito colours: told apart with the common colour-vision deficiencies.
  const MODE_COLOURS = { GENERALIZING: '#0072B2', MIXED: '#F0E442', PARROT: '#D55E00', UNDECIDED: '#BBBBBB' };
  const MODE_LETTER = { GENERALIZING: 'G', MIXED: 'M', PARROT: 'P', UNDECIDED: '·' };
  const RUN_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];
  const INK = '#1f2937';
  const LEVEL_CELL = '#e3e6eb';
  const SOFT = '#CC79A7';
  const PAGE = 24; // charts drawn at once; "show more" adds another page

  const state = {
    info: { readOnly: true, readsGuarded: false }, runs: [], selected: null, run: null, compare: new Set(),
    view: 'run', charts: new Map(), predictorCharts: [], chartLimit: PAGE, xRange: null, syncing: false,
    timeline: null, focusCell: null, status: null, streamOpen: false, serverReachable: true,
    refreshRunsTimer: null, refreshRunTimer: null,
  };
  const $ = (id) => document.getElementById(id);
  window.__modehop = state; // for the browser test and for curious operators

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function fmt(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return '–';
    const d = digits === undefined ? 3 : digits;
    const a = Math.abs(x);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return Number(x).toExponential(2);
    return Number(x).toFixed(d);
  }

  // axis labels: never "-0", large numbers compact (1.2M tokens)
  function axisNumber(v) {
    if (v === null || v === undefined) return '';
    if (Object.is(v, -0) || Math.abs(v) < 1e-12) return '0';
    const a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toFixed(2) + 'G';
    if (a >= 1e6) return +(v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return +(v / 1e3).toFixed(1) + 'k';
    return String(+v.toPrecision(4));
  }

  function mixtureText(m) {
    return Object.entries(m || {}).map(([k, v]) => k + ' ' + fmt(v, 2)).join(', ');
  }

  function runPath(id) {
    return '/api/runs/' + encodeURIComponent(id);
  }

  function isLossLike(name) {
    return /loss|perplexity|ppl|nll|bpb|bits/i.test(name);
  }

  // ---- access: tokens, JSON, the event stream ---------------------------------------------------------
  function readToken() {
    return sessionStorage.getItem('modehop.token') || '';
  }

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const t = readToken();
    if (t) h.Authorization = 'Bearer ' + t;
    return h;
  }

  async function getJson(url) {
    let r;
    try {
      r = await fetch(url, { cache: 'no-store', headers: headers() });
    } catch (e) {
      state.serverReachable = false;
      renderBanner();
      throw e;
    }
    state.serverReachable = true;
    if (r.status === 401) {
      $('token-form').hidden = false;
      state.needToken = true;
      renderBanner();
    } else if (r.ok) {
      state.needToken = false;
    }
    if (!r.ok) throw new Error(url + ' -> ' + r.status);
    return r.json();
  }

  async function listen() {
    for (;;) {
      try {
        const res = await fetch('/api/events', { cache: 'no-store', headers: headers() });
        if (res.ok && res.body) {
          state.streamOpen = true;
          state.serverReachable = true;
          renderLive();
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let cut;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              onEvent(buffer.slice(0, cut));
              buffer = buffer.slice(cut + 2);
            }
          }
        }
      } catch (e) {
        state.serverReachable = false;
      }
      state.streamOpen = false;
      renderLive();
      renderBanner();
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  function onEvent(block) {
    let type = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (type === 'hello') {
      scheduleRuns(0);
      if (state.selected) scheduleRun(0);
    } else if (type === 'update') {
      let payload = {};
      try { payload = JSON.parse(data); } catch (e) { /* a keep-alive or garbage: ignore */ }
      scheduleRuns(400);
      if (payload.runId === state.selected || state.compare.has(payload.runId)) scheduleRun(400);
    }
  }

  function scheduleRuns(ms) {
    if (state.refreshRunsTimer) return;
    state.refreshRunsTimer = setTimeout(() => { state.refreshRunsTimer = null; refreshRuns(); }, ms);
  }

  function scheduleRun(ms) {
    if (state.refreshRunTimer) return;
    state.refreshRunTimer = setTimeout(() => {
      state.refreshRunTimer = null;
      if (state.view === 'compare') refreshCompare(); else refreshRun();
    }, ms);
  }

  async function pollStatus() {
    try {
      state.status = await getJson('/api/status');
    } catch (e) {
      state.status = null;
    }
    renderLive();
    renderBanner();
  }

  function renderLive() {
    const live = $('live');
    const kafkaUp = state.status && state.status.kafka && state.status.kafka.reachable;
    const on = state.streamOpen && kafkaUp;
    live.className = 'badge ' + (on ? 'live-on' : 'live-off');
    live.textContent = on ? 'live' : (state.streamOpen ? 'offline: no Kafka' : 'reconnecting…');
  }

  function renderBanner() {
    const lines = [];
    if (state.needToken) {
      lines.push('This dashboard needs an access token to show runs: enter the read or control token above.');
    }
    if (!state.serverReachable) lines.push('The dashboard server cannot be reached; retrying.');
    const s = state.status;
    if (s && s.kafka && !s.kafka.reachable) {
      lines.push(['Cannot reach Kafka' + since(s.kafka) + ': what you see may be stale.', s.kafka.error]);
    }
    if (s && s.registry && !s.registry.reachable) {
      lines.push(['Cannot reach the schema registry' + since(s.registry) + ': new records cannot be decoded.',
                  s.registry.error]);
    }
    const banner = $('banner');
    banner.replaceChildren(...lines.map((l) => Array.isArray(l)
      ? el('div', {}, l[0], l[1] ? el('span', { class: 'why' }, l[1]) : null) : el('div', {}, l)));
    banner.hidden = lines.length === 0;
    banner.dataset.kafka = s && s.kafka ? String(s.kafka.reachable) : 'unknown';
    banner.dataset.registry = s && s.registry ? String(s.registry.reachable) : 'unknown';
  }

  function since(reach) {
    if (!reach.since) return '';
    const seconds = Math.max(0, Math.round((Date.now() - reach.since) / 1000));
    return ' (for ' + seconds + ' s)';
  }

  // ---- runs list (compact: one line of facts and one bar of modes per run) ---------------------------
  async function refreshRuns() {
    try {
      const body = await getJson('/api/runs');
      state.runs = body.runs;
    } catch (e) {
      return;
    }
    renderRuns();
    if (!state.selected && state.runs.length && state.view === 'run') select(state.runs[0].runId);
  }

  function modeBar(counts) {
    const total = Object.values(counts || {}).reduce((a, b) => a + b, 0);
    const bar = el('span', { class: 'modebar', 'aria-hidden': 'true' });
    if (!total) return bar;
    for (const mode of ['GENERALIZING', 'MIXED', 'PARROT', 'UNDECIDED']) {
      const n = (counts || {})[mode] || 0;
      if (n) bar.append(el('i', { style: 'flex:' + n + ';background:' + MODE_COLOURS[mode], title: mode + ' ' + n }));
    }
    return bar;
  }

  function modeSummary(counts) {
    return ['GENERALIZING', 'MIXED', 'PARROT', 'UNDECIDED'].filter((m) => (counts || {})[m])
      .map((m) => MODE_LETTER[m] + ' ' + counts[m]).join(' · ');
  }

  function renderRuns() {
    const filter = $('run-filter').value.trim().toLowerCase();
    const shown = state.runs.filter((r) => !filter || r.runId.toLowerCase().includes(filter));
    $('run-count').textContent = state.runs.length ? '(' + state.runs.length + ')' : '';
    $('no-runs').hidden = state.runs.length > 0;
    const list = $('runs');
    const items = shown.map((run) => {
      const v = run.hopsByVerdict || {};
      const counted = run.families.length - (run.levelSeries || 0);
      const button = el('button', { type: 'button', class: 'run-button', 'data-run-id': run.runId,
                                    'aria-current': String(run.runId === state.selected) },
        el('span', { class: 'name' }, run.runId, ' ', el('span', { class: 'state state-' + run.state }, run.state)),
        el('span', { class: 'meta', title: counted + ' probe families, ' + (run.levelSeries || 0) +
           ' level series; hops: ' + (v.STABLE || 0) + ' stable, ' + (v.TRANSIENT || 0) + ' transient, ' +
           (v.PENDING || 0) + ' pending' },
           'step ' + axisNumber(run.lastStep) + ' · ' + counted + (run.levelSeries ? '+' + run.levelSeries : '') +
           ' series · ' + run.hopCount + (run.hopCount === 1 ? ' hop' : ' hops') + (v.PENDING ? ' (' + v.PENDING + ' pending)' : '')),
        modeBar(run.modeCounts),
        el('span', { class: 'meta sr' }, modeSummary(run.modeCounts)));
      button.addEventListener('click', () => select(run.runId));
      button.addEventListener('keydown', (e) => moveRunFocus(e, button));
      const box = el('input', { type: 'checkbox', class: 'compare-box', 'aria-label': 'compare ' + run.runId,
                                'data-testid': 'compare-box', 'data-run-id': run.runId,
                                checked: state.compare.has(run.runId) });
      box.addEventListener('change', () => {
        if (box.checked) state.compare.add(run.runId); else state.compare.delete(run.runId);
        renderCompareBar();
      });
      return el('li', {}, box, button);
    });
    // a refresh must not take the keyboard focus away from the run the user is on
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#runs')
      ? { id: document.activeElement.dataset.runId, box: document.activeElement.classList.contains('compare-box') } : null;
    list.replaceChildren(...items);
    if (focused && focused.id) {
      const again = list.querySelector((focused.box ? '.compare-box' : '.run-button') + '[data-run-id="' +
        CSS.escape(focused.id) + '"]');
      if (again) again.focus();
    }
    renderCompareBar();
  }

  function moveRunFocus(e, button) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const buttons = [...document.querySelectorAll('#runs .run-button')];
    const i = buttons.indexOf(button) + (e.key === 'ArrowDown' ? 1 : -1);
    if (buttons[i]) buttons[i].focus();
  }

  function renderCompareBar() {
    const n = state.compare.size;
    $('compare-open').disabled = n < 2;
    $('compare-count').textContent = n ? n + ' ticked' : 'tick two or more runs to compare';
  }

  function select(runId) {
    state.selected = runId;
    state.view = 'run';
    state.xRange = null;
    state.chartLimit = PAGE;
    history.replaceState(null, '', '#run=' + encodeURIComponent(runId));
    $('checkpoint').hidden = true;
    renderRuns();
    refreshRun();
  }

  // ---- one run ---------------------------------------------------------------------------------------
  async function refreshRun() {
    if (!state.selected) return;
    try {
      state.run = await getJson(runPath(state.selected));
    } catch (e) {
      return;
    }
    renderRun();
  }

  function renderRun() {
    const run = state.run;
    $('compare').hidden = true;
    $('run').hidden = !run;
    if (!run) return;
    $('run-title').textContent = run.runId;
    const st = $('run-state');
    st.textContent = run.state;
    st.className = 'state state-' + run.state;
    $('last-step').textContent = String(run.lastStep);
    $('last-tokens').textContent = run.lastTokens ? run.lastTokens.toLocaleString('en-US') : '–';
    const levels = run.series.filter((s) => s.kind === 'LEVEL').length;
    const families = run.series.length - levels;
    $('series-count').textContent = families + (families === 1 ? ' family, ' : ' families, ') + levels +
      (levels === 1 ? ' level' : ' levels');
    $('hop-count').textContent = String(run.hops.length);
    $('best').textContent = run.best ? 'step ' + run.best.step + ' (score ' + fmt(run.best.score) + ')' : 'none yet';
    renderTimeline();
    renderCharts();
    renderPredictors();
    renderHops();
    renderLeaderboard();
    renderDataSelection();
    renderEvents();
    renderControl();
  }

  function xOf(point) {
    return $('x-axis').value === 'tokens' ? point.tokens : point.step;
  }

  /** Sizes a canvas in CSS pixels, sharp on high-density screens; returns its context in CSS pixels. */
  function sizeCanvas(canvas, width, height) {
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  // ---- mode timeline: rows = families, columns = checkpoints, on a canvas (500 x 20 cells stay cheap) --
  function renderTimeline() {
    const run = state.run;
    const families = run.series.filter((s) => s.kind !== 'LEVEL');
    // level series have no modes, but a hop on one is worth a row: grey cells, the hop marked
    const hopped = new Set(run.hops.map((h) => h.series));
    const levelRows = run.series.filter((s) => s.kind === 'LEVEL' && hopped.has(s.name));
    const rows = families.concat(levelRows);
    const stepSet = new Set();
    rows.forEach((s) => s.points.forEach((p) => stepSet.add(p.step)));
    const steps = [...stepSet].sort((a, b) => a - b);
    const col = new Map(steps.map((s, i) => [s, i]));
    const canvas = $('timeline');
    canvas.hidden = rows.length === 0;
    const labelW = Math.min(180, 12 + 7 * Math.max(4, ...rows.map((r) => r.name.length)));
    const width = Math.max(300, canvas.parentElement.clientWidth - 2);
    const rowH = rows.length > 40 ? 8 : 14;
    const height = rows.length * rowH + 22;
    const cellW = steps.length ? (width - labelW) / steps.length : 0;
    const ctx = sizeCanvas(canvas, width, height);
    ctx.clearRect(0, 0, width, height);
    ctx.font = (rowH > 10 ? 11 : 8) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const hopsBySeries = new Map();
    run.hops.forEach((h) => {
      if (!hopsBySeries.has(h.series)) hopsBySeries.set(h.series, []);
      hopsBySeries.get(h.series).push(h);
    });
    let hopMarks = 0;
    rows.forEach((s, r) => {
      const y = r * rowH;
      ctx.fillStyle = INK;
      ctx.fillText(s.name.length > 24 ? s.name.slice(0, 23) + '…' : s.name, 2, y + rowH / 2);
      for (const p of s.points) {
        const c = col.get(p.step);
        ctx.fillStyle = s.kind === 'LEVEL' ? LEVEL_CELL : MODE_COLOURS[p.mode] || MODE_COLOURS.UNDECIDED;
        ctx.fillRect(labelW + c * cellW, y + 1, Math.max(1, cellW - (cellW > 3 ? 1 : 0)), rowH - 2);
      }
      for (const h of hopsBySeries.get(s.name) || []) {
        const c = col.get(h.step);
        if (c === undefined) continue;
        const x = labelW + c * cellW;
        ctx.fillStyle = '#000';
        ctx.fillRect(x, y, Math.max(1.5, Math.min(2, cellW)), rowH);
        ctx.beginPath();
        ctx.moveTo(x - 3, y);
        ctx.lineTo(x + 3, y);
        ctx.lineTo(x, y + 4);
        ctx.fill();
        hopMarks++;
      }
    });
    // the step axis under the grid: first, middle, last checkpoint
    ctx.fillStyle = '#6b7280';
    ctx.textBaseline = 'top';
    const axisY = rows.length * rowH + 4;
    [0, Math.floor(steps.length / 2), steps.length - 1].filter((i, k, a) => steps.length && a.indexOf(i) === k)
      .forEach((i) => {
        const text = 'step ' + axisNumber(steps[i]);
        const x = Math.min(width - ctx.measureText(text).width - 2, labelW + i * cellW);
        ctx.fillText(text, x, axisY);
      });
    state.timeline = { rows, steps, labelW, cellW, rowH };
    canvas.dataset.rows = String(families.length);
    canvas.dataset.levelRows = String(levelRows.length);
    canvas.dataset.cols = String(steps.length);
    canvas.dataset.hops = String(hopMarks);
    canvas.dataset.labelWidth = String(labelW);
    canvas.dataset.cellWidth = String(cellW);
    canvas.dataset.rowHeight = String(rowH);
    const modesSeen = new Set();
    families.forEach((s) => s.points.forEach((p) => modesSeen.add(p.mode || 'UNDECIDED')));
    canvas.dataset.modes = [...modesSeen].sort().join(',');
    drawFocus();
    const levels = run.series.length - families.length;
    const hoppedLevels = levelRows.length === 1 ? ' The one with a hop has a grey row under the families.'
      : levelRows.length ? ' The ' + levelRows.length + ' with a hop have grey rows under the families.' : '';
    $('timeline-note').textContent = (families.length ? (levels ? levels + ' level series (loss, benchmark ' +
      'scores) have levels, not modes: see their charts below.' : '') : 'No probe family with item counts in ' +
      'this run: its ' + levels + ' series are levels (loss, benchmark scores), shown as charts below.') + hoppedLevels;
  }

  function drawFocus() {
    const t = state.timeline;
    const f = state.focusCell;
    if (!t || !f || f.row >= t.rows.length || f.col >= t.steps.length) return;
    const ctx = $('timeline').getContext('2d');
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.strokeRect(t.labelW + f.col * t.cellW - 1, f.row * t.rowH, Math.max(3, t.cellW) + 1, t.rowH);
  }

  function timelineCellAt(ev) {
    const t = state.timeline;
    const rect = $('timeline').getBoundingClientRect();
    const x = ev.clientX - rect.left;
    const y = ev.clientY - rect.top;
    const row = Math.floor(y / t.rowH);
    const col = Math.floor((x - t.labelW) / t.cellW);
    if (row < 0 || row >= t.rows.length || col < 0 || col >= t.steps.length) return null;
    return { row, col };
  }

  function cellText(cell) {
    const t = state.timeline;
    const s = t.rows[cell.row];
    const step = t.steps[cell.col];
    const p = s.points.find((q) => q.step === step);
    const hop = state.run.hops.find((h) => h.series === s.name && h.step === step);
    const value = s.kind === 'LEVEL' ? 'level ' + fmt(p && p.hardAccuracy)
      : (p && p.mode || 'no mode yet') + ', ' + metricName(s) + ' ' + fmt(p && p.hardAccuracy);
    return s.name + ' at step ' + step + ': ' + (p ? value : 'not scored') + (hop ? '\nhop ' + hopChange(hop) + ' (' + hop.stability + ')' : '');
  }

  /** What a family's values are: a generative family's are match rates, a choice family's hard accuracies. */
  function metricName(s) {
    return s.metric === 'match_rate' ? 'match rate' : 'accuracy';
  }

  function setupTimeline() {
    const canvas = $('timeline');
    canvas.addEventListener('mousemove', (ev) => {
      const cell = state.timeline && timelineCellAt(ev);
      if (cell) showTooltip(ev, cellText(cell)); else hideTooltip();
    });
    canvas.addEventListener('mouseleave', hideTooltip);
    canvas.addEventListener('click', (ev) => {
      const cell = state.timeline && timelineCellAt(ev);
      if (!cell) return;
      state.focusCell = cell;
      renderTimeline();
      openCheckpoint(state.timeline.steps[cell.col]);
    });
    canvas.addEventListener('keydown', (ev) => {
      const t = state.timeline;
      if (!t || !t.rows.length || !t.steps.length) return;
      const f = state.focusCell || { row: 0, col: t.steps.length - 1 };
      const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0],
                      Home: [0, -1e9], End: [0, 1e9] };
      if (moves[ev.key]) {
        ev.preventDefault();
        const [dr, dc] = moves[ev.key];
        state.focusCell = { row: Math.min(t.rows.length - 1, Math.max(0, f.row + dr)),
                            col: Math.min(t.steps.length - 1, Math.max(0, f.col + dc)) };
        renderTimeline();
        canvas.setAttribute('aria-label', cellText(state.focusCell));
      } else if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        state.focusCell = f;
        openCheckpoint(t.steps[f.col]);
      }
    });
  }

  async function openCheckpoint(step) {
    let c;
    try {
      c = await getJson(runPath(state.selected) + '/checkpoints/' + step);
    } catch (e) {
      return;
    }
    const panel = $('checkpoint');
    panel.hidden = false;
    panel.dataset.step = String(step);
    $('checkpoint-title').textContent = 'Checkpoint at step ' + step;
    $('checkpoint-facts').textContent = [
      c.tokens !== undefined ? c.tokens.toLocaleString('en-US') + ' tokens' : null,
      c.uri ? 'saved at ' + c.uri : null,
      c.trainLoss !== undefined && c.trainLoss !== null ? 'train loss ' + fmt(c.trainLoss) : null,
      c.hops.length ? c.hops.length + ' hop(s) here: ' + c.hops.map((h) => h.series + ' ' + hopChange(h)).join(', ') : null,
      c.predictors ? 'RankMe ' + fmt(c.predictors.rankMe, 2) + ', participation ratio ' +
        fmt(c.predictors.participationRatio, 2) : null,
    ].filter(Boolean).join(' · ');
    $('checkpoint-table').tBodies[0].replaceChildren(...c.series.map((s) => el('tr', {},
      el('td', {}, s.name), el('td', {}, s.kind === 'LEVEL' ? 'level'
        : s.metric === 'match_rate' ? 'generative family (match rate)' : 'probe family'),
      el('td', {}, fmt(s.hardAccuracy)), el('td', {}, s.kind === 'LEVEL' || s.metric === 'match_rate' ? '' : fmt(s.softScore)),
      el('td', {}, modeChip(s.mode)), el('td', {}, Object.keys(s.tasks).length || ''))));
    panel.scrollIntoView({ block: 'nearest' });
  }

  function modeChip(mode) {
    if (!mode || mode === 'LEVEL') return '';
    return el('span', { class: 'chip', style: 'background:' + (MODE_COLOURS[mode] || MODE_COLOURS.UNDECIDED) +
      (mode === 'MIXED' || mode === 'UNDECIDED' ? ';color:#111' : '') }, mode);
  }

  // ---- small multiples: one uPlot per series, filtered, paged, sharing cursor and step range ----------
  function visibleSeries() {
    const q = $('series-search').value.trim().toLowerCase();
    const kind = $('series-kind').value;
    const onlyHops = $('only-hops').checked;
    return state.run.series.filter((s) => (!q || s.name.toLowerCase().includes(q))
      && (kind === 'all' || s.kind === kind) && (!onlyHops || s.hops.length > 0));
  }

  function renderCharts() {
    const run = state.run;
    const shown = visibleSeries();
    const page = shown.slice(0, state.chartLimit);
    $('series-shown').textContent = 'showing ' + page.length + ' of ' + shown.length + ' matching (' +
      run.series.length + ' in the run)';
    $('more-charts').hidden = shown.length <= page.length;
    const box = $('charts');
    const wanted = new Set(page.map((s) => s.name));
    for (const [name, entry] of state.charts) {
      if (!wanted.has(name)) {
        entry.plot.destroy();
        entry.node.remove();
        state.charts.delete(name);
      }
    }
    page.forEach((s, i) => {
      const logY = s.kind === 'LEVEL' && $('log-loss').checked && isLossLike(s.name)
        && s.points.every((p) => p.hardAccuracy === null || p.hardAccuracy > 0);
      const key = s.kind + (logY ? ':log' : ':lin') + ':' + $('x-axis').value;
      let entry = state.charts.get(s.name);
      if (entry && entry.key !== key) {
        entry.plot.destroy();
        entry.node.remove();
        state.charts.delete(s.name);
        entry = null;
      }
      if (!entry) {
        entry = makeChart(s, logY, key);
        state.charts.set(s.name, entry);
      } else {
        entry.series = s;
        entry.plot.setData(chartData(s), !state.xRange);
        if (state.xRange) entry.plot.setScale('x', state.xRange);
        decorate(entry);
      }
      if (box.children[i] !== entry.node) box.insertBefore(entry.node, box.children[i] || null);
    });
    renderLegend();
  }

  function chartData(s) {
    const pts = s.points.filter((p) => xOf(p) !== null && xOf(p) !== undefined);
    const xs = pts.map(xOf);
    const hard = pts.map((p) => p.hardAccuracy);
    if (s.kind === 'LEVEL') return [xs, hard];
    return [xs, hard, pts.map((p) => p.softScore)];
  }

  function xRangeOf(u, min, max) {
    if (min === null || max === null) return [0, 1];
    if (min === max) return [min - 1 || 0, max + 1];
    return [min, max]; // exactly the data: no padding below zero, so no "-0" tick
  }

  function levelRange(u, min, max) {
    if (min === null || max === null) return [0, 1];
    if (min === max) { const d = Math.abs(min) * 0.05 || 1; return [min - d, max + d]; }
    const pad = (max - min) * 0.08;
    return [min - pad, max + pad];
  }

  // a log axis over the data only (uPlot would snap it to whole decades: 2..10 for a loss of 2.9..3.7)
  function logRange(u, min, max) {
    if (min === null || max === null || min <= 0) return [1, 10];
    if (min === max) return [min / 1.05, max * 1.05];
    const f = Math.pow(max / min, 0.06);
    return [min / f, max * f];
  }

  function logSplits(u, axisIdx, min, max) {
    const n = 5;
    const out = [];
    for (let i = 0; i <= n; i++) out.push(+(min * Math.pow(max / min, i / n)).toPrecision(3));
    return out;
  }

  function yScale(level, logY) {
    if (!level) return { range: [0, 1] };
    return logY ? { distr: 3, log: 10, range: logRange } : { range: levelRange };
  }

  function makeChart(s, logY, key) {
    const node = el('figure', { class: 'chart chart-' + s.kind, 'data-testid': 'chart', 'data-series': s.name,
                                'data-kind': s.kind, 'data-y-scale': logY ? 'log' : 'linear', tabindex: '0',
                                'aria-label': 'chart of ' + s.name + '; arrow keys pan, + and − zoom, 0 resets' },
      el('figcaption', {}, el('span', { class: 'series-name' }, s.name), ' ',
         el('span', { class: 'muted small' }, s.kind === 'LEVEL'
           ? 'level (no item counts)' + (logY ? ', log scale' : '')
           : s.metric === 'match_rate' ? 'match rate (sampled completions matching the answer)' : 'hard accuracy · soft score')));
    const width = chartWidth();
    const counted = s.kind !== 'LEVEL';
    const series = [{ label: $('x-axis').value, value: (u, v) => axisNumber(v) }];
    const axes = [
      { values: (u, splits) => splits.map(axisNumber), size: 28, gap: 2, font: '10px system-ui', stroke: '#6b7280',
        grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e5e7eb' } },
    ];
    const scales = { x: { time: false, range: xRangeOf } };
    if (counted) {
      scales.y = { range: [0, 1] };
      scales.soft = { range: [-1, 1] };
      series.push({ label: 'hard accuracy', scale: 'y', stroke: INK, width: 2, points: { size: 4 },
                    value: (u, v) => fmt(v) });
      series.push({ label: 'soft score', scale: 'soft', stroke: SOFT, width: 1.25, dash: [5, 3],
                    points: { show: false }, value: (u, v) => fmt(v) });
      axes.push({ scale: 'y', values: (u, splits) => splits.map(axisNumber), size: 40, font: '10px system-ui',
                  stroke: '#6b7280', grid: { stroke: '#eef0f3' } });
      axes.push({ scale: 'soft', side: 1, values: (u, splits) => splits.map(axisNumber), size: 38,
                  font: '10px system-ui', stroke: SOFT, grid: { show: false } });
    } else {
      scales.y = yScale(true, logY);
      series.push({ label: s.name, scale: 'y', stroke: '#0072B2', width: 2, points: { size: 4 },
                    value: (u, v) => fmt(v) });
      axes.push({ scale: 'y', values: (u, splits) => splits.map(axisNumber), size: 44, font: '10px system-ui',
                  stroke: '#6b7280', grid: { stroke: '#eef0f3' }, splits: logY ? logSplits : undefined });
    }
    const entry = { node, series: s, key, plot: null, logY };
    const opts = {
      width, height: 170, legend: { show: false }, scales, series, axes,
      cursor: { sync: { key: 'run-x', setSeries: false }, drag: { x: true, y: false, setScale: false },
                points: { size: 6 } },
      hooks: {
        drawClear: [(u) => drawModes(u, entry)],
        draw: [(u) => drawHopLines(u, entry)],
        setScale: [() => positionOverlay(entry)],
        setSelect: [onSelect],
        setCursor: [(u) => onCursor(u)],
      },
    };
    entry.plot = new uPlot(opts, chartData(s), node);
    entry.overlay = el('div', { class: 'overlay' });
    entry.plot.over.append(entry.overlay);
    if (state.xRange) entry.plot.setScale('x', state.xRange);
    panAndZoom(entry);
    decorate(entry);
    node.addEventListener('mouseleave', hideTooltip);
    return entry;
  }

  function chartWidth() {
    const box = $('charts');
    const total = box.clientWidth || 900;
    const cols = total >= 1100 ? 3 : total >= 700 ? 2 : 1;
    return Math.floor((total - (cols - 1) * 10) / cols) - 2;
  }

  // mode shading behind the curve: the band a counted series holds at each checkpoint
  function drawModes(u, entry) {
    const s = entry.series;
    if (s.kind === 'LEVEL') return;
    const xs = u.data[0];
    const pts = s.points.filter((p) => xOf(p) !== null && xOf(p) !== undefined);
    const { ctx } = u;
    const top = u.bbox.top;
    const h = u.bbox.height;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, top, u.bbox.width, h);
    ctx.clip();
    for (let i = 0; i < pts.length; i++) {
      const mode = pts[i].mode;
      if (!mode || mode === 'LEVEL') continue;
      const x0 = u.valToPos(i === 0 ? xs[0] : (xs[i - 1] + xs[i]) / 2, 'x', true);
      const x1 = u.valToPos(i === xs.length - 1 ? xs[i] : (xs[i] + xs[i + 1]) / 2, 'x', true);
      ctx.globalAlpha = mode === 'MIXED' ? 0.35 : 0.16;
      ctx.fillStyle = MODE_COLOURS[mode] || MODE_COLOURS.UNDECIDED;
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
    }
    ctx.globalAlpha = 1;
    // the coin-flip line of a binary probe
    ctx.strokeStyle = '#c9ced6';
    ctx.setLineDash([3, 3]);
    const y = u.valToPos(0.5, 'y', true);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  }

  function hopX(h) {
    if ($('x-axis').value !== 'tokens') return h.step;
    const p = state.run.series.flatMap((s) => s.points).find((q) => q.step === h.step);
    return p ? p.tokens : null;
  }

  function drawHopLines(u, entry) {
    const { ctx } = u;
    ctx.save();
    for (const h of entry.series.hops) {
      const x = hopX(h);
      if (x === null) continue;
      const px = u.valToPos(x, 'x', true);
      if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
      ctx.strokeStyle = h.stability === 'STABLE' ? '#000' : '#555';
      ctx.setLineDash(h.stability === 'STABLE' ? [] : h.stability === 'TRANSIENT' ? [5, 3] : [2, 2]);
      ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1);
      ctx.beginPath();
      ctx.moveTo(px, u.bbox.top);
      ctx.lineTo(px, u.bbox.top + u.bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }

  // hop labels and data windows as DOM over the plot: hoverable, readable by tests and screen readers
  function decorate(entry) {
    const o = entry.overlay;
    o.replaceChildren();
    for (const h of entry.series.hops) {
      const m = el('div', { class: 'hop-marker hop-' + h.stability, 'data-testid': 'hop-marker',
                            'data-verdict': h.stability, 'data-step': String(h.step) },
        '▼', el('span', { class: 'label' }, ' ' + h.stability));
      m._x = hopX(h);
      m.addEventListener('mousemove', (ev) => showTooltip(ev, entry.series.name + ' hop at step ' + h.step + ': ' +
        hopChange(h) + ', z ' + fmt(h.zScore, 1) + ', ' + h.stability +
        (h.windows.length ? '\nwindows: ' + h.windows.map((w) => w.windowId + ' (' + mixtureText(w.mixture) + ')')
          .join('; ') : '')));
      m.addEventListener('mouseleave', hideTooltip);
      o.append(m);
    }
    if ($('x-axis').value === 'step') {
      (state.run.windows || []).forEach((w, i) => {
        const band = el('div', { class: 'window' + (i % 2 ? ' odd' : ''), 'data-testid': 'window',
                                 'data-window-id': w.windowId }, w.windowId);
        band._x0 = w.startStep;
        band._x1 = w.endStep;
        band.addEventListener('mousemove', (ev) => showTooltip(ev, 'window ' + w.windowId + ': steps ' + w.startStep +
          '–' + w.endStep + '\n' + mixtureText(w.mixture)));
        band.addEventListener('mouseleave', hideTooltip);
        o.append(band);
      });
    }
    positionOverlay(entry);
    const y = entry.plot.scales.y;
    entry.node.dataset.yMin = String(y.min);
    entry.node.dataset.yMax = String(y.max);
    entry.node.dataset.hops = String(entry.series.hops.length);
  }

  function positionOverlay(entry) {
    if (!entry.overlay) return;
    const u = entry.plot;
    const w = u.over.clientWidth || u.bbox.width / (window.devicePixelRatio || 1);
    let lastLabelled = -1e9; // hops closer than a label's width show only their ▼ (the tooltip has the rest)
    for (const node of entry.overlay.children) {
      if (node.classList.contains('hop-marker')) {
        const px = node._x === null ? -1 : u.valToPos(node._x, 'x');
        node.hidden = px < 0 || px > w;
        node.style.left = px + 'px';
        const compact = px - lastLabelled < 64;
        node.classList.toggle('compact', compact);
        if (!compact && !node.hidden) lastLabelled = px;
      } else {
        const a = Math.max(0, u.valToPos(node._x0, 'x'));
        const b = Math.min(w, u.valToPos(node._x1, 'x'));
        node.hidden = b <= a;
        node.style.left = a + 'px';
        node.style.width = Math.max(0, b - a) + 'px';
      }
    }
    const y = u.scales.y;
    if (y) {
      entry.node.dataset.yMin = String(y.min);
      entry.node.dataset.yMax = String(y.max);
    }
  }

  // every chart of the run shows the same step range: a zoom or pan on one (drag, wheel, keys) moves all.
  // Only those gestures set the range; a chart drawn with less data (predictors) never narrows the others.
  function applyX(range) {
    state.xRange = range;
    state.syncing = true;
    try {
      const all = [...state.charts.values()].map((e) => e.plot).concat(state.predictorCharts);
      for (const p of all) {
        if (range) {
          p.setScale('x', { min: range.min, max: range.max });
        } else {
          const xs = p.data[0];
          if (xs.length) p.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
        }
      }
    } finally {
      state.syncing = false;
    }
  }

  function onSelect(u) {
    if (!u.select || u.select.width < 2) return;
    const min = u.posToVal(u.select.left, 'x');
    const max = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    applyX({ min, max });
  }

  function panAndZoom(entry) {
    const u = entry.plot;
    const zoom = (factor, centre) => {
      const x = u.scales.x;
      const c = centre === undefined ? (x.min + x.max) / 2 : centre;
      applyX({ min: c - (c - x.min) * factor, max: c + (x.max - c) * factor });
    };
    const pan = (fraction) => {
      const x = u.scales.x;
      const d = (x.max - x.min) * fraction;
      applyX({ min: x.min + d, max: x.max + d });
    };
    const reset = () => resetZoom();
    u.over.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const centre = u.posToVal(ev.offsetX, 'x');
      zoom(ev.deltaY < 0 ? 0.8 : 1.25, centre);
    }, { passive: false });
    u.over.addEventListener('dblclick', reset);
    // shift-drag pans (a plain drag selects a range to zoom into, uPlot's own gesture)
    u.over.addEventListener('mousedown', (ev) => {
      if (!ev.shiftKey) return;
      ev.stopPropagation();
      ev.preventDefault();
      const start = ev.clientX;
      const x0 = { min: u.scales.x.min, max: u.scales.x.max };
      const perPx = (x0.max - x0.min) / (u.over.clientWidth || 1);
      const move = (e) => {
        const d = (start - e.clientX) * perPx;
        applyX({ min: x0.min + d, max: x0.max + d });
      };
      const up = () => { window.removeEventListener('mousemove', move); window.removeEventListener('mouseup', up); };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    }, true);
    entry.node.addEventListener('keydown', (ev) => {
      const keys = { ArrowLeft: () => pan(-0.2), ArrowRight: () => pan(0.2), '+': () => zoom(0.8), '=': () => zoom(0.8),
                     '-': () => zoom(1.25), '0': reset };
      if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
    });
  }

  function resetZoom() {
    applyX(null);
    [...state.charts.values()].forEach(positionOverlay);
  }

  // the shared cursor: the step under the mouse, and every series' value there (not only the drawn ones)
  let cursorFrame = 0;
  function onCursor(u) {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || state.syncing) return;
    const x = u.data[0][idx];
    if (cursorFrame) return;
    cursorFrame = requestAnimationFrame(() => {
      cursorFrame = 0;
      const axis = $('x-axis').value;
      const parts = [];
      for (const s of state.run.series) {
        const p = s.points.find((q) => (axis === 'tokens' ? q.tokens : q.step) === x);
        if (!p) continue;
        parts.push(el('span', { class: 'read' }, el('b', {}, s.name), ' ' + fmt(p.hardAccuracy) +
          (s.kind === 'LEVEL' ? '' : ' ' + (MODE_LETTER[p.mode] || '·'))));
      }
      const r = $('readout');
      r.replaceChildren(el('strong', {}, axis + ' ' + axisNumber(x) + ': '), ...parts);
      r.dataset.x = String(x);
      r.dataset.values = String(parts.length);
    });
  }

  function renderLegend() {
    const items = [['line', INK, 'hard accuracy (left axis, 0–1)'], ['dash', SOFT, 'soft score (right axis, −1–1)'],
      ['line', '#0072B2', 'level series (loss, benchmark score): own axis']];
    const legend = $('chart-legend');
    legend.replaceChildren(...items.map(([kind, c, text]) => el('span', {},
      el('i', { class: 'sw ' + kind, style: 'border-color:' + c }), text)),
      ...Object.entries(MODE_COLOURS).map(([m, c]) => el('span', {}, el('i', { class: 'sw band', style: 'background:' + c }),
        m.toLowerCase())),
      el('span', {}, el('i', { class: 'sw win' }), 'data windows (hover for mixture)'),
      el('span', {}, '▼ hop: solid STABLE, dashed TRANSIENT, dotted PENDING'));
    $('mode-legend').replaceChildren(...Object.entries(MODE_COLOURS).map(([m, c]) =>
      el('span', {}, el('i', { class: 'sw band solid', style: 'background:' + c }), m)),
      el('span', {}, '▼ hop'));
  }

  // ---- predictors: three small charts on the same step range, hops across them -----------------------
  function renderPredictors() {
    const run = state.run;
    const preds = run.predictors || [];
    state.predictorCharts.forEach((p) => p.destroy());
    state.predictorCharts = [];
    $('predictors').hidden = preds.length === 0;
    const box = $('predictor-charts');
    box.replaceChildren();
    if (!preds.length) return;
    const layer = preds.map((p) => p.layer).filter((l) => l !== null && l !== undefined).pop();
    $('predictor-layer').textContent = layer === undefined ? '(parameter norm only)'
      : layer === -1 ? '(activations after the final norm)' : '(activations of block ' + layer + ')';
    const defs = [['rankMe', 'RankMe'], ['participationRatio', 'participation ratio'], ['parameterL2Norm', 'parameter L2 norm']];
    const width = Math.floor((box.clientWidth || 900) / 3) - 12;
    for (const [field, title] of defs) {
      const node = el('figure', { class: 'predictor-chart', 'data-testid': 'predictor-chart', 'data-field': field },
        el('figcaption', {}, title));
      box.append(node);
      const xs = preds.map((p) => p.step);
      const hops = run.hops;
      const plot = new uPlot({
        width, height: 120, legend: { show: false },
        scales: { x: { time: false, range: xRangeOf }, y: { range: levelRange } },
        series: [{}, { stroke: INK, width: 1.5, points: { size: 3 } }],
        axes: [{ values: (u, sp) => sp.map(axisNumber), size: 24, font: '10px system-ui', stroke: '#6b7280',
                 grid: { stroke: '#eef0f3' } },
               { values: (u, sp) => sp.map(axisNumber), size: 40, font: '10px system-ui', stroke: '#6b7280',
                 grid: { stroke: '#eef0f3' } }],
        cursor: { sync: { key: 'run-x', setSeries: false }, drag: { x: true, y: false, setScale: false } },
        hooks: {
          setSelect: [onSelect],
          draw: [(u) => {
            const { ctx } = u;
            ctx.save();
            ctx.setLineDash([2, 2]);
            ctx.strokeStyle = '#555';
            for (const h of hops) {
              const px = u.valToPos(h.step, 'x', true);
              if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(px, u.bbox.top);
              ctx.lineTo(px, u.bbox.top + u.bbox.height);
              ctx.stroke();
            }
            ctx.restore();
          }],
        },
      }, [xs, preds.map((p) => p[field])], node);
      node.dataset.hops = String(hops.length);
      node.dataset.points = String(preds.filter((p) => p[field] !== null).length);
      state.predictorCharts.push(plot);
    }
    renderPredictorTests();
  }

  // predictor vs random baseline: the job's soft scores against the scorer's predictors, tested by the server
  function renderPredictorTests() {
    const tests = state.run.predictorTests || [];
    $('predictor-tests').tBodies[0].replaceChildren(...tests.map((t) => el('tr', {
      'data-testid': 'predictor-test', 'data-beats': String(t.beatsBaseline) },
      el('td', {}, t.family), el('td', {}, t.predictor),
      el('td', {}, t.bestLayer === null ? 'model' : String(t.bestLayer)),
      el('td', {}, fmt(t.correlation, 2)), el('td', {}, fmt(t.baselineMean, 2)), el('td', {}, fmt(t.baselineP95, 2)),
      el('td', {}, String(t.checkpoints)),
      el('td', { class: t.beatsBaseline ? 'beats' : 'muted' }, t.beatsBaseline ? 'beats the baseline' : 'within chance'))));
  }

  // ---- tables --------------------------------------------------------------------------------------
  function hopChange(h) {
    if (h.from && h.to && h.from !== 'LEVEL') return h.from + ' → ' + h.to;
    // a level series (loss, benchmark score) has no modes: say which way it moved, by how much
    return (h.direction === 'UP' ? 'up ' : 'down ') + fmt(h.before) + ' → ' + fmt(h.after);
  }

  function renderHops() {
    const body = $('hops').tBodies[0];
    const rows = state.run.hops.slice().sort((a, b) => b.step - a.step).map((h) => el('tr', {},
      el('td', {}, h.series), el('td', {}, String(h.step)), el('td', { 'data-testid': 'hop-change' }, hopChange(h)),
      el('td', {}, fmt(h.zScore, 1)),
      el('td', {}, el('span', { class: 'verdict ' + h.stability, 'data-testid': 'hop-verdict' }, h.stability)),
      el('td', { class: 'small' }, h.windows.map((w) => w.windowId + ' (' + mixtureText(w.mixture) + ')').join('; '))));
    body.replaceChildren(...rows);
  }

  function renderLeaderboard() {
    const body = $('leaderboard').tBodies[0];
    const board = state.run.leaderboard || {};
    body.replaceChildren(...(board.entries || []).slice(0, 10).map((e, i) =>
      el('tr', { class: e.step === board.bestStep ? 'best' : null },
        el('td', {}, String(i + 1)), el('td', { title: e.folder || '' }, String(e.step)), el('td', {}, fmt(e.score)),
        el('td', { class: 'small', 'data-testid': 'leaderboard-why' }, (e.families || []).map((f) =>
          f.family + ' ' + fmt(f.softScore, 2) + ' × ' + fmt(f.weight, 2)).join(', ')))));
  }

  function renderDataSelection() {
    const stats = state.run.sourceStatistics;
    $('data-selection').hidden = !stats;
    if (!stats) return;
    $('source-statistics').tBodies[0].replaceChildren(...stats.moves.map((m) => el('tr', {},
      el('td', {}, m.source), el('td', {}, m.toward), el('td', {}, String(m.hops)), el('td', {}, String(m.hopsOfRun)),
      el('td', {}, fmt(m.meanWeight, 2)), el('td', {}, fmt(m.baseWeight, 2)),
      el('td', { class: m.zScore !== null && Math.abs(m.zScore) >= 2 ? 'significant' : null }, fmt(m.zScore, 1)))));
    const sel = state.run.dataSelection || { windows: [] };
    $('selected-windows').textContent = sel.windows.length
      ? 'Windows right before stable moves toward GENERALIZING: ' + sel.windows.map((w) => w.windowId + ' (' +
        mixtureText(w.mixture) + ')').join('; ') + '. Selected mixture: ' + mixtureText(sel.mixture) +
        '. modehop report data --run ' + state.run.runId + ' writes it as a manifest.'
      : 'No stable move toward GENERALIZING yet: no window to select.';
  }

  // One alert's outcome per route, from the notifier's delivery log: "slack ✓ 12:03, hook ✗ rejected 400".
  // Nothing when no notifier ever wrote the log here; "not delivered yet" when one did but not for this alert.
  function deliveryText(alert, logSeen) {
    const list = alert.deliveries || [];
    if (!list.length) {
      return logSeen ? el('span', { class: 'delivery pending', 'data-testid': 'delivery' }, ' — not delivered yet') : null;
    }
    const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
    const parts = list.map((d) => {
      const mark = d.status === 'delivered' ? '✓' : d.status === 'suppressed' ? '–' : '✗';
      const extra = d.status === 'delivered' ? '' : ' ' + d.status + (d.detail ? ' ' + d.detail : '');
      const tries = d.attempts > 1 ? ' (' + d.attempts + ' attempts)' : '';
      return d.route + ' ' + mark + ' ' + time(d.at) + extra + tries;
    });
    return el('span', { class: 'delivery', 'data-testid': 'delivery' }, ' — ' + parts.join(', '));
  }

  function renderEvents() {
    $('alerts').replaceChildren(...state.run.alerts.map((a) => el('li', {},
      el('span', { class: 'sev-' + a.severity }, a.severity), ' step ' + a.step + ': ' + a.message,
      deliveryText(a, state.run.deliveryLogSeen))));
    // the scorers' averaging results: per family where the weight average of the checkpoints around the hop sits
    $('averaging').replaceChildren(...(state.run.averaging || []).map((a) => {
      if (a.status !== 'DONE') return el('li', {}, el('b', {}, 'step ' + a.hopStep), ' refused: ' + (a.reason || ''));
      const moved = {};
      for (const f of (a.oneStep && a.oneStep.families) || []) moved[f.family] = f;
      const parts = a.families.map((f) => f.family + ' ' + f.outcome + ' (' + fmt(f.oldAccuracy) + ' → ' +
        fmt(f.newAccuracy) + ', average ' + fmt(f.averageAccuracy) + ' ' + f.averageMode +
        (moved[f.family] ? '; one step |ΔP| ' + fmt(moved[f.family].probabilityChange) + ' vs hop ' +
          fmt(moved[f.family].hopProbabilityChange) : '') + ')');
      const step = a.oneStep && a.oneStep.status !== 'DONE' ? '; one step: ' + a.oneStep.status : '';
      return el('li', {}, el('b', {}, 'step ' + a.hopStep), ' steps ' + a.steps[0] + '–' + a.steps[a.steps.length - 1] +
        ': ' + parts.join(', ') + step);
    }));
    $('controls').replaceChildren(...state.run.controls.map((c) => el('li', {},
      el('b', {}, c.action), ' ' + mixtureText(c.mixture) + ' by ' + c.issuedBy + ' at step ' + c.step +
      (c.reason ? ' (' + c.reason + ')' : ''))));
  }

  // ---- control: visibly off without a token ---------------------------------------------------------
  function renderControl() {
    const fields = $('control-fields');
    const note = $('control-note');
    if (state.info.readOnly) {
      fields.disabled = true;
      note.textContent = 'Read-only: this dashboard was started without a control token, so nobody can steer a run from here.';
      note.dataset.state = 'read-only';
      return;
    }
    fields.disabled = false;
    const hasToken = $('control-token').value.trim() !== '';
    for (const b of fields.querySelectorAll('button')) b.disabled = !hasToken;
    note.textContent = hasToken ? 'Actions are sent to the training job on run.control and audited.'
      : 'Enter the control token to steer this run.';
    note.dataset.state = hasToken ? 'ready' : 'needs-token';
  }

  async function sendControl(action) {
    const status = $('control-status');
    const body = { action, issuedBy: $('control-user').value.trim(), reason: 'from the dashboard' };
    if (action === 'ADJUST_MIXTURE') {
      body.mixture = {};
      for (const part of $('control-mixture').value.split(',')) {
        const [k, v] = part.split('=').map((x) => x && x.trim());
        if (k && v !== undefined) body.mixture[k] = Number(v);
      }
    }
    let path = '/control';
    if (action === 'AVERAGING') {
      // not a command to the training job: a request to the scorers, guarded by the same token
      path = '/averaging';
      body.step = Number($('averaging-step').value.trim());
      delete body.reason;
    }
    status.dataset.state = 'sending';
    status.textContent = 'sending ' + action + '…';
    let r;
    try {
      r = await fetch(runPath(state.selected) + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + $('control-token').value.trim() },
        body: JSON.stringify(body),
      });
    } catch (e) {
      status.dataset.state = 'error';
      status.textContent = action + ' failed: ' + e;
      return;
    }
    const reply = await r.json().catch(() => ({}));
    if (r.status === 202) {
      status.dataset.state = 'sent';
      status.textContent = action + ' sent as ' + reply.id;
    } else {
      status.dataset.state = r.status === 401 || r.status === 403 ? 'rejected' : 'error';
      status.textContent = action + ' rejected (' + r.status + '): ' + (reply.error || '');
    }
  }

  // ---- compare runs: the same series of two or more runs, aligned by step or tokens -------------------
  let comparePlot = null;
  async function openCompare() {
    state.view = 'compare';
    await refreshCompare();
    window.scrollTo(0, 0);
    $('main').focus({ preventScroll: true });
  }

  async function refreshCompare() {
    const ids = [...state.compare];
    let runs;
    try {
      runs = await Promise.all(ids.map((id) => getJson(runPath(id))));
    } catch (e) {
      return;
    }
    state.compareRuns = runs;
    $('run').hidden = true;
    $('compare').hidden = false;
    $('compare-runs').textContent = ids.join(' · ');
    const select = $('compare-series');
    const names = new Map();
    runs.forEach((r) => r.series.forEach((s) => names.set(s.name, (names.get(s.name) || 0) + 1)));
    const sorted = [...names.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const current = select.value;
    select.replaceChildren(...sorted.map(([n, c]) => el('option', { value: n }, n + (c < runs.length ? ' (' + c +
      ' of ' + runs.length + ' runs)' : ''))));
    if (current && names.has(current)) select.value = current;
    renderCompare();
  }

  function renderCompare() {
    const runs = state.compareRuns || [];
    const name = $('compare-series').value;
    const align = $('compare-align').value;
    const at = (p) => (align === 'tokens' ? p.tokens : p.step);
    const perRun = runs.map((r) => {
      const s = r.series.find((q) => q.name === name);
      const pts = s ? s.points.filter((p) => at(p) !== null && at(p) !== undefined) : [];
      return { run: r, s, pts };
    });
    const kind = (perRun.find((x) => x.s) || {}).s?.kind || 'COUNTED';
    const data = uPlot.join(perRun.map((x) => [x.pts.map(at), x.pts.map((p) => p.hardAccuracy)]));
    const box = $('compare-chart');
    if (comparePlot) comparePlot.destroy();
    box.replaceChildren();
    const logY = kind === 'LEVEL' && $('log-loss').checked && isLossLike(name)
      && perRun.every((x) => x.pts.every((p) => p.hardAccuracy === null || p.hardAccuracy > 0));
    const width = Math.max(400, box.clientWidth || 900);
    comparePlot = new uPlot({
      width, height: 280, legend: { show: true, live: true },
      scales: { x: { time: false, range: xRangeOf },
                y: yScale(kind === 'LEVEL', logY) },
      series: [{ label: align, value: (u, v) => axisNumber(v) }].concat(perRun.map((x, i) => ({
        label: x.run.runId, stroke: RUN_COLOURS[i % RUN_COLOURS.length], width: 2, spanGaps: true,
        points: { size: 4 }, value: (u, v) => fmt(v) }))),
      axes: [{ values: (u, sp) => sp.map(axisNumber), font: '10px system-ui', stroke: '#6b7280', grid: { stroke: '#eef0f3' } },
             { values: (u, sp) => sp.map(axisNumber), size: 44, font: '10px system-ui', stroke: '#6b7280',
               grid: { stroke: '#eef0f3' }, splits: logY ? logSplits : undefined }],
      cursor: { drag: { x: true, y: false } },
      hooks: { setScale: [(u, k) => { if (k === 'x') drawCompareTimelines(perRun, at); }] },
    }, data, box);
    box.dataset.series = name;
    box.dataset.runs = String(perRun.filter((x) => x.pts.length).length);
    box.dataset.kind = kind;
    box.dataset.align = align;
    box.dataset.yScale = logY ? 'log' : 'linear';
    $('compare-legend').textContent = kind === 'LEVEL' ? 'level series: own axis' + (logY ? ', log scale' : '')
      : 'hard accuracy; strips below: each run\'s mode at each checkpoint on the same ' + align + ' axis, ▼ hop';
    drawCompareTimelines(perRun, at);
  }

  function drawCompareTimelines(perRun, at) {
    const box = $('compare-timelines');
    const u = comparePlot;
    if (!u) return;
    const left = u.bbox.left / (window.devicePixelRatio || 1);
    const plotW = u.bbox.width / (window.devicePixelRatio || 1);
    const strips = perRun.map((x, i) => {
      const canvas = el('canvas', { class: 'strip', 'data-testid': 'compare-timeline', 'data-run-id': x.run.runId,
                                    'data-cells': String(x.pts.filter((p) => p.mode).length) });
      const h = 14;
      const ctx = sizeCanvas(canvas, left + plotW, h);
      const xs = x.pts.map(at);
      for (let k = 0; k < x.pts.length; k++) {
        const mode = x.pts[k].mode;
        if (!mode || mode === 'LEVEL') continue;
        const a = u.valToPos(k === 0 ? xs[0] : (xs[k - 1] + xs[k]) / 2, 'x');
        const b = u.valToPos(k === xs.length - 1 ? xs[k] : (xs[k] + xs[k + 1]) / 2, 'x');
        const x0 = Math.max(0, a);
        const x1 = Math.min(plotW, b);
        if (x1 <= x0) continue;
        ctx.fillStyle = MODE_COLOURS[mode] || MODE_COLOURS.UNDECIDED;
        ctx.fillRect(left + x0, 1, Math.max(1, x1 - x0), h - 2);
      }
      const hops = (x.s ? x.s.hops : []);
      ctx.fillStyle = '#000';
      for (const hp of hops) {
        const p = x.pts.find((q) => q.step === hp.step);
        if (!p) continue;
        const px = u.valToPos(at(p), 'x');
        if (px < 0 || px > plotW) continue;
        ctx.fillRect(left + px - 1, 0, 2, h);
      }
      canvas.dataset.hops = String(hops.length);
      const label = el('div', { class: 'strip-label', style: 'padding-left:' + left + 'px' },
        el('i', { style: 'background:' + RUN_COLOURS[i % RUN_COLOURS.length] }), x.run.runId + ' · ' +
        (x.s ? x.s.hops.length + ' hop(s)' : 'no such series'));
      return [label, canvas];
    });
    box.replaceChildren(...strips.flat());
  }

  // ---- tooltip ------------------------------------------------------------------------------------
  function showTooltip(ev, text) {
    const t = $('tooltip');
    t.textContent = text;
    t.hidden = false;
    t.style.left = Math.min(window.innerWidth - 320, ev.clientX + 12) + 'px';
    t.style.top = ev.clientY + 12 + 'px';
  }

  function hideTooltip() {
    $('tooltip').hidden = true;
  }

  // ---- start ---------------------------------------------------------------------------------------
  async function start() {
    try {
      state.info = await getJson('/api/info');
    } catch (e) {
      state.info = { readOnly: true, readsGuarded: false };
    }
    $('access').textContent = state.info.readOnly ? 'read-only' : 'control enabled (token)';
    $('token-form').hidden = !state.info.readsGuarded;
    $('access-token').value = readToken();
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      sessionStorage.setItem('modehop.token', $('access-token').value.trim());
      renderBanner();
      refreshRuns();
      pollStatus();
    });
    const match = /#run=([^&]+)/.exec(location.hash);
    if (match) state.selected = decodeURIComponent(match[1]);
    $('run-filter').addEventListener('input', renderRuns);
    for (const id of ['series-search', 'series-kind', 'only-hops']) {
      $(id).addEventListener('input', () => { state.chartLimit = PAGE; if (state.run) renderCharts(); });
    }
    $('log-loss').addEventListener('change', () => {
      if (state.view === 'compare') renderCompare(); else if (state.run) renderCharts();
    });
    $('x-axis').addEventListener('change', () => { state.xRange = null; if (state.run) { renderCharts(); renderTimeline(); } });
    $('reset-zoom').addEventListener('click', resetZoom);
    $('more-charts').addEventListener('click', () => { state.chartLimit += PAGE; renderCharts(); });
    $('checkpoint-close').addEventListener('click', () => { $('checkpoint').hidden = true; $('timeline').focus(); });
    $('compare-open').addEventListener('click', openCompare);
    $('compare-close').addEventListener('click', () => { state.view = 'run'; $('compare').hidden = true; renderRun(); });
    $('compare-series').addEventListener('change', renderCompare);
    $('compare-align').addEventListener('change', renderCompare);
    $('control-token').addEventListener('input', renderControl);
    for (const b of document.querySelectorAll('#control-form button[data-action]')) {
      b.addEventListener('click', () => sendControl(b.dataset.action));
    }
    setupTimeline();
    renderCompareBar();
    renderControl();
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        for (const e of state.charts.values()) { e.plot.destroy(); e.node.remove(); }
        state.charts.clear();
        if (state.view === 'compare') renderCompare(); else if (state.run) renderRun();
      }, 200);
    });
    await refreshRuns();
    pollStatus();
    setInterval(pollStatus, 3000);
    // the state of a run (RUNNING / IDLE) changes with time alone, not only with events
    setInterval(() => scheduleRuns(0), 15000);
    listen();
  }

  start();
})();
