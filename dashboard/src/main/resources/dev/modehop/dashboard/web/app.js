// The modehop dashboard page: renders /api/runs and /api/runs/{id}, refreshes on Server-Sent Events.
// Everything that comes from Kafka is inserted as text (never as HTML): run ids and sources are user data.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const state = { runs: [], selected: null, run: null, readOnly: true, refreshTimer: null, updates: 0 };
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmt(x, digits) {
    return x === null || x === undefined ? '–' : Number(x).toFixed(digits === undefined ? 3 : digits);
  }

  function mixtureText(m) {
    return Object.entries(m || {}).map(([k, v]) => k + ' ' + fmt(v, 2)).join(', ');
  }

  function runPath(id) {
    return '/api/runs/' + encodeURIComponent(id);
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) throw new Error(url + ' -> ' + r.status);
    return r.json();
  }

  // ---- runs list -------------------------------------------------------------------------------------
  function renderRuns() {
    const list = $('runs');
    list.replaceChildren();
    $('no-runs').hidden = state.runs.length > 0;
    for (const run of state.runs) {
      const v = run.hopsByVerdict || {};
      const button = el('button', { type: 'button', 'data-run-id': run.runId,
                                    'aria-current': String(run.runId === state.selected) },
        el('span', { class: 'name' }, run.runId),
        el('span', { class: 'meta' }, run.state + ' · step ' + run.lastStep + ' · ' + run.families.join(', ')),
        el('span', { class: 'meta' }, run.hopCount + ' hops (' + v.STABLE + ' stable, ' + v.TRANSIENT +
           ' transient, ' + v.PENDING + ' pending)' + (run.best ? ' · best step ' + run.best.step : '')));
      button.addEventListener('click', () => select(run.runId));
      list.append(el('li', {}, button));
    }
  }

  function select(runId) {
    state.selected = runId;
    history.replaceState(null, '', '#run=' + encodeURIComponent(runId));
    renderRuns();
    refreshRun();
  }

  // ---- one run ---------------------------------------------------------------------------------------
  function renderRun() {
    const run = state.run;
    $('run').hidden = !run;
    if (!run) return;
    $('run-title').textContent = run.runId;
    $('run-state').textContent = run.state;
    $('last-step').textContent = String(run.lastStep);
    $('last-tokens').textContent = run.lastTokens ? run.lastTokens.toLocaleString('en-US') : '–';
    $('best').textContent = run.best ? 'step ' + run.best.step + ' (score ' + fmt(run.best.score) + ')' : 'none yet';

    const charts = $('charts');
    charts.replaceChildren();
    for (const series of run.series) {
      charts.append(el('div', { class: 'chart', 'data-series': series.name },
        el('h4', {}, series.name), chart(series, run.windows)));
    }
    if (run.series.length === 0) charts.append(el('p', { class: 'muted' }, 'No scores yet.'));
    renderPredictors(run);

    const hops = $('hops').tBodies[0];
    hops.replaceChildren();
    for (const h of run.hops) {
      hops.append(el('tr', { 'data-hop-id': h.id },
        el('td', {}, h.series), el('td', {}, String(h.step)),
        el('td', {}, (h.from || '?') + ' → ' + (h.to || '?')), el('td', {}, fmt(h.zScore, 1)),
        el('td', {}, el('span', { class: 'verdict ' + h.stability, 'data-testid': 'hop-verdict' }, h.stability)),
        el('td', {}, h.windows.map((w) => w.windowId + ' (' + mixtureText(w.mixture) + ')').join('; ') || '–')));
    }
    if (run.hops.length === 0) hops.append(el('tr', {}, el('td', { colspan: '6', class: 'muted' }, 'no hops')));

    const board = $('leaderboard').tBodies[0];
    board.replaceChildren();
    (run.leaderboard.entries || []).forEach((e, i) => {
      board.append(el('tr', { class: e.step === run.leaderboard.bestStep ? 'best' : '' },
        el('td', {}, String(i + 1)), el('td', {}, String(e.step)), el('td', {}, fmt(e.score))));
    });
    if (!run.leaderboard.entries) board.append(el('tr', {}, el('td', { colspan: '3', class: 'muted' }, 'no ranking yet')));

    const alerts = $('alerts');
    alerts.replaceChildren();
    for (const a of run.alerts) {
      alerts.append(el('li', {}, el('span', { class: 'sev-' + a.severity }, a.severity), ' step ' + a.step + ' · ' +
        a.rule + ': ' + a.message));
    }
    if (run.alerts.length === 0) alerts.append(el('li', { class: 'muted' }, 'none'));

    const controls = $('controls');
    controls.replaceChildren();
    for (const c of run.controls) {
      const when = c.issuedAt ? new Date(c.issuedAt).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '';
      controls.append(el('li', { 'data-control-id': c.id }, el('b', {}, c.action),
        (c.action === 'ADJUST_MIXTURE' ? ' ' + mixtureText(c.mixture) : '') + ' · by ' + c.issuedBy +
        (when ? ' at ' + when : '') + ' · step ' + c.step + (c.reason ? ' · ' + c.reason : '')));
    }
    if (run.controls.length === 0) controls.append(el('li', { class: 'muted' }, 'none'));
  }

  // The chart: hard accuracy on [0, 1] (left) and soft score on [-1, 1] (right) share the vertical space,
  // so 0.5 accuracy and 0 soft score sit on the same midline, the parrot/generalizing border.
  function chart(series, windows) {
    const W = 900, H = 292, L = 44, R = 44, T = 34, B = 62, LANE = 16;
    const pw = W - L - R, ph = H - T - B;
    const pts = series.points;
    const steps = pts.map((p) => p.step).concat(series.hops.map((h) => h.step));
    let lo = Math.min(...steps), hi = Math.max(...steps);
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi === lo) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.03;
    lo -= pad; hi += pad;
    const x = (s) => L + ((s - lo) / (hi - lo)) * pw;
    const yHard = (a) => T + (1 - a) * ph;
    const ySoft = (s) => T + (1 - (s + 1) / 2) * ph;
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img',
                              'aria-label': 'hard accuracy and soft score of ' + series.name + ' over steps',
                              'data-testid': 'chart' });
    const defs = svg('defs', {});
    const clip = svg('clipPath', { id: 'clip-' + cssId(series.name) });
    clip.append(svg('rect', { x: L, y: T, width: pw, height: ph }));
    defs.append(clip);
    root.append(defs);

    // mode bands: each checkpoint owns the span halfway to its neighbours
    const bands = svg('g', { 'clip-path': 'url(#clip-' + cssId(series.name) + ')' });
    pts.forEach((p, i) => {
      const mode = p.confirmedMode || p.mode;
      if (!mode) return;
      const left = i === 0 ? lo : (pts[i - 1].step + p.step) / 2;
      const right = i === pts.length - 1 ? hi : (p.step + pts[i + 1].step) / 2;
      const r = svg('rect', { class: 'band mode-' + mode, x: x(left), y: T, width: Math.max(0, x(right) - x(left)),
                              height: ph, 'data-mode': mode });
      r.append(svg('title', {}, 'step ' + p.step + ': ' + mode));
      bands.append(r);
    });
    root.append(bands);

    // grid and axes
    const axis = svg('g', { class: 'axis' });
    for (const a of [0, 0.25, 0.5, 0.75, 1]) {
      axis.append(svg('line', { class: a === 0.5 ? 'mid' : 'grid', x1: L, x2: L + pw, y1: yHard(a), y2: yHard(a) }));
      axis.append(svg('text', { x: L - 6, y: yHard(a) + 3, 'text-anchor': 'end' }, a.toFixed(2)));
      axis.append(svg('text', { x: L + pw + 6, y: yHard(a) + 3 }, (a * 2 - 1).toFixed(1)));
    }
    for (const s of niceTicks(lo, hi, 7)) {
      axis.append(svg('line', { class: 'grid', x1: x(s), x2: x(s), y1: T + ph, y2: T + ph + LANE }));
      axis.append(svg('text', { x: x(s), y: T + ph + LANE + 14, 'text-anchor': 'middle' }, s.toLocaleString('en-US')));
    }
    axis.append(svg('text', { x: L + pw / 2, y: H - 6, 'text-anchor': 'middle' }, 'training step'));
    root.append(axis);

    // data windows: a lane under the plot; hover shows the mixture
    const lane = svg('g', { class: 'windows', 'data-testid': 'windows' });
    (windows || []).forEach((w, i) => {
      const a = Math.max(w.startStep, lo), b = Math.min(w.endStep, hi);
      if (b <= a) return;
      const text = w.windowId + '  [' + w.startStep + ', ' + w.endStep + ')\n' +
        Object.entries(w.mixture).map(([k, v]) => k + ': ' + fmt(v, 2)).join('\n');
      const r = svg('rect', { class: 'window' + (i % 2 ? ' odd' : ''), x: x(a), y: T + ph + 2,
                              width: Math.max(1, x(b) - x(a)), height: LANE - 4, 'data-window-id': w.windowId });
      r.append(svg('title', {}, text));
      r.addEventListener('mousemove', (ev) => showTooltip(ev, text));
      r.addEventListener('mouseleave', hideTooltip);
      lane.append(r);
      if (x(b) - x(a) > 30) {
        lane.append(svg('text', { class: 'window-label', x: x(a) + 3, y: T + ph + LANE - 4 }, w.windowId));
      }
    });
    root.append(lane);

    // the two curves
    const line = (acc, cls) => {
      const d = pts.filter((p) => acc(p) !== null).map((p) => x(p.step).toFixed(1) + ',' + acc(p).toFixed(1));
      if (d.length) root.append(svg('polyline', { class: cls, points: d.join(' ') }));
    };
    line((p) => (p.hardAccuracy === null ? null : yHard(p.hardAccuracy)), 'line-hard');
    line((p) => (p.softScore === null ? null : ySoft(p.softScore)), 'line-soft');
    for (const p of pts) {
      const tip = 'step ' + p.step + (p.tokens ? ' · ' + p.tokens.toLocaleString('en-US') + ' tokens' : '') +
        '\nhard ' + fmt(p.hardAccuracy) + ' · soft ' + fmt(p.softScore) + '\nmode ' + (p.mode || '?');
      if (p.hardAccuracy !== null) {
        const c = svg('circle', { class: 'dot-hard', cx: x(p.step), cy: yHard(p.hardAccuracy), r: 3,
                                  'data-step': p.step });
        c.append(svg('title', {}, tip));
        root.append(c);
      }
      if (p.softScore !== null) {
        root.append(svg('circle', { class: 'dot-soft', cx: x(p.step), cy: ySoft(p.softScore), r: 2 }));
      }
    }

    // hops: a line at the first checkpoint of the new mode, labelled with the stability verdict; a label
    // that would overlap the previous one goes one row up
    let previousLabelX = -Infinity, previousRow = 0;
    for (const h of series.hops) {
      const row = x(h.step) - previousLabelX < 96 && previousRow === 0 ? 1 : 0;
      previousLabelX = x(h.step);
      previousRow = row;
      const g = svg('g', { class: 'hop ' + h.stability, 'data-testid': 'hop-marker', 'data-hop-id': h.id,
                           'data-verdict': h.stability });
      g.append(svg('line', { x1: x(h.step), x2: x(h.step), y1: T, y2: T + ph }));
      g.append(svg('text', { x: x(h.step), y: T - 6 - 12 * row, 'text-anchor': 'middle' },
        'hop ' + (h.direction === 'DOWN' ? '↓' : '↑') + ' ' + h.stability));
      g.append(svg('title', {}, 'hop at step ' + h.step + ' (' + (h.from || '?') + ' → ' + (h.to || '?') +
        ', z ' + fmt(h.zScore, 1) + ')\nverdict ' + h.stability + '\nwindows: ' +
        (h.windows.map((w) => w.windowId + ' ' + mixtureText(w.mixture)).join('; ') || 'none')));
      root.append(g);
    }
    root.append(svg('text', { x: 4, y: T + ph / 2, class: 'tick',
                              transform: 'rotate(-90 10 ' + (T + ph / 2) + ')', 'text-anchor': 'middle' }, 'hard'));
    return root;
  }

  // ---- generalization predictors ---------------------------------------------------------------------
  const PREDICTORS = [
    { key: 'rankMe', label: 'RankMe', digits: 1 },
    { key: 'participationRatio', label: 'participation ratio', digits: 2 },
    { key: 'parameterL2Norm', label: 'parameter L2 norm', digits: 1 },
  ];

  function renderPredictors(run) {
    const points = run.predictors || [];
    $('predictors').hidden = points.length === 0;
    const box = $('predictor-charts');
    box.replaceChildren();
    if (!points.length) return;
    $('predictor-layer').textContent = layerNote(points);
    // one step axis for the three charts, spanning the hops too, like the family charts
    const steps = points.map((p) => p.step).concat(run.hops.map((h) => h.step));
    let lo = Math.min(...steps), hi = Math.max(...steps);
    if (hi === lo) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.03;
    for (const metric of PREDICTORS) {
      box.append(el('div', { class: 'predictor-chart', 'data-predictor': metric.key },
        el('h4', {}, metric.label), predictorChart(points, metric, run.hops, lo - pad, hi + pad)));
    }
  }

  // "block 3", or every block measured when the scorer's layer changed during the run
  function layerNote(points) {
    const layers = [...new Set(points.map((p) => p.layer).filter((l) => l !== null && l !== undefined))];
    if (!layers.length) return '(activations not measured: parameter norm only)';
    const name = (l) => (l === -1 ? 'after the final norm' : 'block ' + l);
    return '(activations of ' + layers.sort((a, b) => a - b).map(name).join(', ') + ')';
  }

  // A small chart of one predictor: its own y-range, the run's hops as thin vertical lines.
  function predictorChart(points, metric, hops, lo, hi) {
    const W = 300, H = 140, L = 42, R = 8, T = 8, B = 24;
    const pw = W - L - R, ph = H - T - B;
    const pts = points.filter((p) => p[metric.key] !== null && p[metric.key] !== undefined);
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img',
                              'aria-label': metric.label + ' over steps', 'data-testid': 'predictor-chart' });
    const x = (s) => L + ((s - lo) / (hi - lo)) * pw;
    const values = pts.map((p) => p[metric.key]);
    let vlo = Math.min(...values), vhi = Math.max(...values);
    if (!pts.length) { vlo = 0; vhi = 1; }
    if (vhi === vlo) { const d = Math.abs(vlo) * 0.05 || 1; vlo -= d; vhi += d; }
    const vpad = (vhi - vlo) * 0.08;
    vlo -= vpad; vhi += vpad;
    const y = (v) => T + (1 - (v - vlo) / (vhi - vlo)) * ph;

    const axis = svg('g', { class: 'axis' });
    axis.append(svg('line', { class: 'grid', x1: L, x2: L + pw, y1: T + ph, y2: T + ph }));
    for (const v of niceTicks(vlo, vhi, 4)) {
      axis.append(svg('line', { class: 'grid', x1: L, x2: L + pw, y1: y(v), y2: y(v) }));
      axis.append(svg('text', { x: L - 4, y: y(v) + 3, 'text-anchor': 'end' }, v.toLocaleString('en-US')));
    }
    for (const s of niceTicks(lo, hi, 4)) {
      axis.append(svg('text', { x: x(s), y: T + ph + 14, 'text-anchor': 'middle' }, s.toLocaleString('en-US')));
    }
    root.append(axis);

    for (const h of hops) {
      if (h.step < lo || h.step > hi) continue;
      const line = svg('line', { class: 'hop-tick ' + h.stability, x1: x(h.step), x2: x(h.step), y1: T, y2: T + ph,
                                 'data-testid': 'predictor-hop', 'data-step': h.step });
      line.append(svg('title', {}, 'hop of ' + h.series + ' at step ' + h.step + ' (' + (h.from || '?') + ' → ' +
        (h.to || '?') + ', ' + h.stability + ')'));
      root.append(line);
    }

    if (!pts.length) {
      root.append(svg('text', { class: 'tick', x: L + pw / 2, y: T + ph / 2, 'text-anchor': 'middle' }, 'not measured'));
      return root;
    }
    root.append(svg('polyline', { class: 'line-predictor',
                                  points: pts.map((p) => x(p.step).toFixed(1) + ',' + y(p[metric.key]).toFixed(1)).join(' ') }));
    for (const p of pts) {
      const c = svg('circle', { class: 'dot-predictor', cx: x(p.step), cy: y(p[metric.key]), r: 2, 'data-step': p.step });
      c.append(svg('title', {}, 'step ' + p.step + ' · ' + metric.label + ' ' + fmt(p[metric.key], metric.digits) +
        (p.layer !== null && p.layer !== undefined ? ' · layer ' + p.layer : '')));
      root.append(c);
    }
    return root;
  }

  // round tick values (1, 2 or 5 times a power of ten apart), at most about `count` of them
  function niceTicks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const unit = [1, 2, 5, 10].map((m) => m * magnitude).find((u) => u >= raw) || raw;
    const ticks = [];
    for (let t = Math.ceil(lo / unit) * unit; t <= hi; t += unit) ticks.push(Math.round(t * 1e6) / 1e6);
    return ticks;
  }

  function cssId(name) {
    return name.replace(/[^A-Za-z0-9_-]/g, '_');
  }

  function showTooltip(ev, text) {
    const tip = $('tooltip');
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = ev.clientX + 12 + 'px';
    tip.style.top = ev.clientY + 12 + 'px';
  }

  function hideTooltip() {
    $('tooltip').hidden = true;
  }

  // ---- data ------------------------------------------------------------------------------------------
  async function refreshRuns() {
    const data = await getJson('/api/runs');
    state.runs = data.runs;
    if (!state.selected || !state.runs.some((r) => r.runId === state.selected)) {
      state.selected = state.runs.length ? state.runs[0].runId : null;
    }
    renderRuns();
  }

  async function refreshRun() {
    if (!state.selected) { state.run = null; renderRun(); return; }
    const wanted = state.selected;
    try {
      const run = await getJson(runPath(wanted));
      if (wanted === state.selected) { state.run = run; renderRun(); }
    } catch (e) {
      console.warn(e);
    }
  }

  async function refreshAll() {
    try {
      await refreshRuns();
      await refreshRun();
      document.body.dataset.updates = String(++state.updates);
    } catch (e) {
      console.warn('refresh failed', e);
    }
  }

  // Many events arrive together during a replay; one refresh per burst is enough.
  function scheduleRefresh() {
    if (state.refreshTimer) return;
    state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refreshAll(); }, 150);
  }

  function connect() {
    const live = $('live');
    const source = new EventSource('/api/events');
    source.addEventListener('open', () => { live.textContent = 'live'; live.className = 'badge live-on'; });
    source.addEventListener('hello', scheduleRefresh);
    source.addEventListener('update', scheduleRefresh);
    source.addEventListener('error', () => { live.textContent = 'reconnecting…'; live.className = 'badge live-off'; });
  }

  // ---- control actions -------------------------------------------------------------------------------
  function parseMixture(text) {
    const mixture = {};
    for (const part of text.split(/[,\s]+/).filter(Boolean)) {
      const [k, v] = part.split('=');
      const w = Number(v);
      if (!k || v === undefined || !isFinite(w) || w < 0) throw new Error('mixture entries look like source=0.5');
      mixture[k] = w;
    }
    if (!Object.keys(mixture).length) throw new Error('enter a mixture such as icl=0.9, iwl=0.1');
    return mixture;
  }

  function setStatus(kind, text) {
    const status = $('control-status');
    status.dataset.state = kind;
    status.textContent = text;
  }

  async function sendControl(action) {
    if (!state.selected) return;
    const user = $('control-user').value.trim();
    const token = $('control-token').value;
    const body = { action, issuedBy: user };
    try {
      if (action === 'ADJUST_MIXTURE') body.mixture = parseMixture($('control-mixture').value);
    } catch (e) {
      setStatus('error', e.message);
      return;
    }
    if (!user) { setStatus('error', 'enter your name first: every control action is logged with it'); return; }
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    setStatus('sending', 'sending ' + action + '…');
    try {
      const r = await fetch(runPath(state.selected) + '/control', { method: 'POST', headers, body: JSON.stringify(body) });
      const reply = await r.json().catch(() => ({}));
      if (r.status === 202) {
        setStatus('sent', 'sent ' + action + ' as ' + reply.id);
      } else if (r.status === 401 || r.status === 403) {
        setStatus('rejected', 'rejected (' + r.status + '): ' + (reply.error || r.statusText));
      } else {
        setStatus('error', 'failed (' + r.status + '): ' + (reply.error || r.statusText));
      }
    } catch (e) {
      setStatus('error', 'failed: ' + e.message);
    }
  }

  async function init() {
    for (const b of document.querySelectorAll('#control-form button[data-action]')) {
      b.addEventListener('click', () => sendControl(b.dataset.action));
    }
    const m = /#run=(.+)$/.exec(location.hash);
    if (m) state.selected = decodeURIComponent(m[1]);
    try {
      const info = await getJson('/api/info');
      state.readOnly = info.readOnly;
    } catch (e) {
      console.warn(e);
    }
    $('access').textContent = state.readOnly ? 'read-only' : 'control with token';
    $('control-readonly').hidden = !state.readOnly;
    await refreshAll();
    connect();
  }

  init();
})();
