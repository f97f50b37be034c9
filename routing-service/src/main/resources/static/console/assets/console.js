// Switchboard console. Every figure comes from the router's admin API (/api/...), called with the admin token typed
// at login. The token lives only in this tab's sessionStorage and travels only in the Authorization header: never in
// a URL, a cookie or a log line. Alpine.js renders, uPlot draws; this file holds the views' state and API calls.
'use strict';

const TOKEN_KEY = 'switchboard.admin-token';
const REFRESH_MS = 2000;

/** A refusal or failure of the admin API, with the API's own words (a problem detail's detail). */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  keep: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  forget: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Calls the admin API; answers the JSON body, or throws an ApiError saying what the API said. */
async function api(method, path, body, token = session.token()) {
  const headers = { Accept: 'application/json', 'X-Switchboard-Actor': 'console' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let answer;
  try {
    answer = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'The router did not answer (' + e.message + ')');
  }
  const text = await answer.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!answer.ok) {
    const said = json && (json.detail || (json.error && json.error.message) || json.title);
    const error = new ApiError(answer.status, said || ('HTTP ' + answer.status + (text ? ': ' + text : '')));
    if (answer.status === 401 && token === session.token()) {
      window.dispatchEvent(new CustomEvent('switchboard:refused', { detail: error.message }));
    }
    throw error;
  }
  return json;
}

const enc = encodeURIComponent;

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML, in element content and quoted attributes alike. */
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * A tagged template whose every interpolated value is escaped; a value made by `html` itself (or an array of them)
 * goes in as it is. For tables of hundreds of display-only rows, which Alpine would otherwise build directive by
 * directive, far slower than the 2-second refresh allows.
 */
function html(strings, ...values) {
  const markup = (v) => (v instanceof SafeHtml ? v.text : Array.isArray(v) ? v.map(markup).join('') : esc(v));
  return new SafeHtml(strings.reduce((out, text, i) => out + text + (i < values.length ? markup(values[i]) : ''), ''));
}
class SafeHtml {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

// ---- formatting -------------------------------------------------------------------------------------------------

// One formatter per number of decimals: toLocaleString with options builds a new one on every call, which is what
// a table of a few hundred rows would otherwise spend most of its rendering on.
const NUMBER_FORMATS = new Map();
function numberFormat(digits) {
  if (!NUMBER_FORMATS.has(digits)) {
    NUMBER_FORMATS.set(digits, new Intl.NumberFormat('en-US',
      { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return NUMBER_FORMATS.get(digits);
}

const fmt = {
  num(v, digits = 0) {
    return v === null || v === undefined || Number.isNaN(v) ? '–' : numberFormat(digits).format(Number(v));
  },
  ms(v) { return v === null || v === undefined ? '–' : fmt.num(v, v < 10 ? 2 : v < 100 ? 1 : 0) + ' ms'; },
  pct(v, digits = 1) { return v === null || v === undefined ? '–' : fmt.num(v, digits) + '%'; },
  /** A rate from 0 to 1 as a percentage. */
  rate(v, digits = 2) { return v === null || v === undefined ? '–' : fmt.num(100 * v, digits) + '%'; },
  /** US dollars: cents and more to two decimals, a fraction of a cent to four significant digits ($0.0004213). */
  usd(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    return '$' + (Math.abs(v) >= 0.01 ? fmt.num(v, 2) : String(Number(Number(v).toPrecision(4))));
  },
  /** A gate's or a test's figure as the API gives it, to four significant digits: 0.02, -2.741, 0.004007. */
  figure(v) { return v === null || v === undefined ? '–' : String(Number(Number(v).toPrecision(4))); },
  time(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  },
  ago(iso) {
    if (!iso) return '–';
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (Math.abs(s) < 90) return s >= 0 ? s + ' s ago' : 'in ' + (-s) + ' s';
    const m = Math.round(s / 60);
    if (Math.abs(m) < 90) return m >= 0 ? m + ' min ago' : 'in ' + (-m) + ' min';
    const h = Math.round(m / 60);
    return h >= 0 ? h + ' h ago' : 'in ' + (-h) + ' h';
  },
  duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 120) return Math.round(seconds) + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    return (seconds / 3600).toFixed(1) + ' h';
  },
  /** A configuration value as an operator reads it: text as it is, anything else as JSON. */
  plain(v) { return v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v); },
};

function isoDay(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

// ---- charts (uPlot) ---------------------------------------------------------------------------------------------

const PALETTE = ['#2457c5', '#d9480f', '#1f8a4c', '#7b2cbf', '#b7791f', '#0b7285'];

/**
 * Draws (or redraws) a time chart in `el`: x in epoch seconds, one y array per series. The uPlot instance is kept on
 * the element, outside Alpine's reactive state.
 */
function drawChart(el, { series, x, ys, unit = '', yMin = null, yMax = null, pad = 120 }) {
  if (!el || typeof uPlot === 'undefined') return;
  const width = Math.max(320, el.clientWidth || 600);
  const key = series.map((s) => s.label).join('|') + '@' + width;
  const data = [x, ...ys];
  if (el._chart && el._chartKey === key) {
    el._chart.setData(data);
    return;
  }
  if (el._chart) el._chart.destroy();
  const opts = {
    width, height: 200,
    scales: {
      // One window alone would stretch the time axis over years, and points seconds apart would be ticked in
      // milliseconds: a span shorter than twice the pad is shown with the pad either side.
      x: { time: true, range: (u) => {
        const xs = u.data[0].filter((v) => v !== null && v !== undefined);
        if (xs.length === 0) return [Date.now() / 1000 - 3600, Date.now() / 1000];
        const min = Math.min(...xs);
        const max = Math.max(...xs);
        return max - min < 2 * pad ? [min - pad, max + pad] : [min, max];
      } },
      y: { range: (u, min, max) => [yMin ?? Math.min(0, min ?? 0), yMax ?? ((max ?? 1) * 1.1 || 1)] },
    },
    axes: [{}, { values: (u, ticks) => ticks.map((t) => fmt.num(t, t !== 0 && Math.abs(t) < 1 ? 3 : 0) + unit), size: 70 }],
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: s.color || PALETTE[i % PALETTE.length], width: 2,
      points: { show: x.length < 40 }, dash: s.dash, spanGaps: false }))],
    legend: { show: true, live: false },
  };
  el.innerHTML = '';
  el._chart = new uPlot(opts, data, el);
  el._chartKey = key;
}

/** Epoch seconds of an ISO instant. */
const secs = (iso) => new Date(iso).getTime() / 1000;

// ---- routes -----------------------------------------------------------------------------------------------------

const VIEWS = [
  { view: 'providers', title: 'Providers' },
  { view: 'proposals', title: 'Proposals' },
  { view: 'rollouts', title: 'Rollouts' },
  { view: 'experiments', title: 'Experiments' },
  { view: 'shadow', title: 'Shadow' },
  { view: 'health', title: 'Health' },
  { view: 'alerts', title: 'Alerts' },
  { view: 'audit', title: 'Audit' },
];

/** The view a console path names: /console/rollouts/{id}, /console/providers/{category}/{name}/{version}, ... */
function routeOf(pathname) {
  const parts = pathname.replace(/^\/console\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const view = parts[0] || 'providers';
  if (view === 'providers' && parts.length === 4) {
    return { view: 'version', nav: 'providers', category: parts[1], name: parts[2], version: parts[3] };
  }
  if (view === 'rollouts' && parts.length === 2) return { view: 'rollout', nav: 'rollouts', id: parts[1] };
  if (view === 'experiments' && parts.length === 2) return { view: 'experiment', nav: 'experiments', name: parts[1] };
  if (view === 'experiments' && parts.length === 3 && parts[2] === 'report') {
    return { view: 'report', nav: 'experiments', name: parts[1] };
  }
  if (VIEWS.some((v) => v.view === view)) return { view, nav: view };
  return { view: 'missing', nav: null, path: pathname };
}

function consolePath(...parts) {
  return '/console/' + parts.map(enc).join('/');
}

/** Runs `load` now and every `ms` until the view is left; a slow answer is never overtaken by the next call. */
function poll(component, load, ms = REFRESH_MS) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    try { await load(); } finally { if (!stopped) timer = setTimeout(tick, ms); }
  };
  tick();
  component._stopPolling = () => { stopped = true; clearTimeout(timer); };
}

// ---- components -------------------------------------------------------------------------------------------------

document.addEventListener('alpine:init', () => {
  Alpine.data('app', () => ({
    views: VIEWS,
    route: routeOf(location.pathname),
    signedIn: false,
    checking: true,
    loginError: '',
    routerInstance: '',
    // Who is signed in, and what their role lets them do: views show only the actions they may take.
    operator: '',
    role: '',
    mayChange: false,
    mayApprove: false,
    fmt,
    consolePath,

    async init() {
      window.addEventListener('popstate', () => { this.route = routeOf(location.pathname); });
      window.addEventListener('switchboard:refused', (e) => this.refused(e.detail));
      document.addEventListener('click', (e) => this.follow(e));
      // A token kept from earlier in this tab is shown the console at once and checked meanwhile: a refusal of any
      // call (this check's too) signs the tab out with the router's words.
      const token = session.token();
      this.signedIn = Boolean(token);
      this.checking = false;
      if (token) await this.check(token);
    },

    /** Links inside the console change the view without reloading the page. */
    follow(e) {
      const link = e.target.closest('a[href^="/console"]');
      if (!link || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      this.go(link.getAttribute('href'));
    },

    go(path) {
      if (path !== location.pathname) history.pushState({}, '', path);
      this.route = routeOf(location.pathname);
      window.scrollTo(0, 0);
    },

    async login(e) {
      const token = e.target.elements.token.value.trim();
      e.target.elements.token.value = '';
      if (!token) {
        this.loginError = 'Type the admin token (SWITCHBOARD_ADMIN_TOKEN; ./switchboard run prints it).';
        return;
      }
      await this.check(token);
    },

    async check(token) {
      try {
        const answer = await api('GET', '/api/console/session', undefined, token);
        session.keep(token);
        this.routerInstance = answer.data.router_instance;
        this.operator = answer.data.operator;
        this.role = answer.data.role;
        this.mayChange = answer.data.may_change;
        this.mayApprove = answer.data.may_approve;
        this.loginError = '';
        this.signedIn = true;
      } catch (e) {
        session.forget();
        this.signedIn = false;
        this.loginError = e.status === 401 ? 'The router refused this token: ' + e.message
          : 'Could not check the token: ' + e.message;
      }
    },

    refused(message) {
      session.forget();
      this.signedIn = false;
      this.loginError = 'The router no longer takes your token: ' + message;
    },

    signOut() {
      session.forget();
      this.signedIn = false;
      this.loginError = '';
    },
  }));

  // Providers: every provider and version, refreshed every 2 s, with the actions seed 000's admin API offers.
  Alpine.data('providersView', () => ({
    data: null, error: '', actionError: '', actionDone: '', actionProposed: '', weights: {}, busy: false, minutes: 5, editing: null,
    firing: [], alertsError: '', pending: [],
    form: { category: 'LLM', name: '', version: '', type: 'openai', model_name: '', url: '', weight: 0,
      is_active: true, is_default: false, parameters: '' },
    init() { poll(this, () => this.load()); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.data = (await api('GET', '/api/console/providers?minutes=' + this.minutes)).data;
        this.error = '';
      } catch (e) { this.error = e.message; }
      try {
        this.pending = (await api('GET', '/api/proposals?status=pending')).data;
      } catch (e) { this.pending = []; }
      try {
        this.firing = (await api('GET', '/api/alerts?state=firing')).data;
        this.alertsError = '';
      } catch (e) { this.alertsError = e.message; }
    },
    /** The alerts firing now on one provider (each rule's latest word per version, from the alerts topic). */
    firingOn(p) { return this.firing.filter((a) => a.provider === p.id); },
    edit(p) { this.editing = this.editing === p.id ? null : p.id; },
    /** The provider's strategy and what is going on with it, as badges. */
    badges(p) {
      return html`<span class="badge">strategy ${p.strategy}</span>
        ${p.rollout ? html` <span class="badge running">rollout ${p.rollout.baseline} → ${p.rollout.candidate} at ${fmt.pct(p.rollout.percentage)}</span>` : ''}
        ${p.experiment ? html` <a class="badge running" href="${consolePath('experiments', p.experiment)}">experiment ${p.experiment}</a>` : ''}
        ${p.shadow ? html` <span class="badge">shadow → ${p.shadow.candidate} ${fmt.pct(p.shadow.percentage, 0)}</span>` : ''}
        ${p.fallback_provider ? html` <span class="muted">fallback ${p.fallback_provider}</span>` : ''}`.text;
    },
    /** The provider's versions as display rows: what they are configured to get and what they got. */
    rows(p) {
      return html`${p.versions.map((v) => {
        const t = v.traffic;
        const observed = t && t.observed_share !== null ? t.observed_share : null;
        return html`<tr data-test="version-row" data-version="${v.version}">
          <td><a href="${consolePath('providers', p.category, p.name, v.version)}">${v.version}</a>
            ${v.is_default ? html` <span class="badge ok">default</span>` : ''}
            ${this.firingOn(p).some((a) => a.version === v.version) ? html` <a class="badge firing" data-test="version-alert" href="/console/alerts">alert</a>` : ''}</td>
          <td class="small">${v.type} · ${v.model_name}</td>
          <td class="num" data-field="weight">${v.weight}</td>
          <td><span class="badge ${v.is_active ? 'ok' : 'stopped'}">${v.is_active ? 'active' : 'inactive'}</span>
            ${v.routable ? '' : html`<div class="small muted" data-test="not-routable">not routed: ${v.not_routable_reason}</div>`}</td>
          <td>${v.health ? html`<span class="badge ${v.health.status}">${v.health.status}</span>
            <span class="small">${fmt.num(v.health.score, 0)}</span>` : html`<span class="muted small">no probe yet</span>`}</td>
          <td><div class="share" title="observed ${fmt.pct(observed)}, configured ${fmt.pct(v.configured_share)}">
            <div class="observed" style="width:${Math.min(100, observed || 0)}%"></div>
            <div class="configured" style="width:${Math.min(100, v.configured_share)}%"></div></div></td>
          <td class="num" data-field="observed_share" data-value="${observed ?? ''}">${observed === null ? '–' : fmt.pct(observed)}</td>
          <td class="num" data-field="configured_share" data-value="${v.configured_share}">${fmt.pct(v.configured_share)}</td>
          <td class="num">${t ? fmt.num(t.requests_per_second, 2) : '–'}</td>
          <td class="num">${t ? fmt.rate(t.error_rate) : '–'}</td>
          <td class="num">${t ? fmt.ms(t.p50_response_time) : '–'}</td>
          <td class="num">${t ? fmt.ms(t.p95_response_time) : '–'}</td>
          <td class="num" data-field="cost_per_request_usd" title="${v.prices ? 'priced: $' + v.prices.input_per_million_tokens + ' / M input tokens, $' + v.prices.output_per_million_tokens + ' / M output tokens, $' + v.prices.per_request + ' a request' : 'not priced'}">${t && t.cost_per_request_usd !== null && t.cost_per_request_usd !== undefined ? fmt.usd(t.cost_per_request_usd) : (v.prices ? '–' : html`<span class="muted small">not priced</span>`)}</td>
        </tr>`;
      })}`.text;
    },
    weightOf(p, v) {
      const key = p.id + '/' + v.version;
      return this.weights[key] ?? v.weight;
    },
    pendingOn(p) { return this.pending.filter((q) => q.provider === p.id); },
    async act(label, method, path, body) {
      this.busy = true;
      this.actionError = '';
      this.actionDone = '';
      this.actionProposed = '';
      try {
        const answer = await api(method, path, body);
        // 202: the provider's change policy sent it to an approver; nothing changed yet.
        if (answer && answer.data && answer.data.status === 'pending' && answer.message) {
          this.actionProposed = label + ': proposed for approval, not applied yet (' + answer.data.reasons.join('; ')
            + '); an approver decides in Proposals';
        } else {
          this.actionDone = label;
        }
        await this.load();
        return true;
      } catch (e) {
        this.actionError = label + ' refused: ' + e.message;
        return false;
      } finally { this.busy = false; }
    },
    base(p) { return '/api/system-configs/provider/' + enc(p.category) + '/' + enc(p.name); },
    async setWeight(p, v, value) {
      const weight = Number(value);
      const ok = await this.act(p.id + ' ' + v.version + ' weight ' + value, 'PUT', this.base(p) + '/weight',
        { version: v.version, weight: Number.isFinite(weight) && String(value).trim() !== '' ? weight : value });
      if (ok) delete this.weights[p.id + '/' + v.version];
    },
    setDefault(p, v) {
      return this.act(p.id + ' default ' + v.version, 'PUT', this.base(p) + '/default', { version: v.version });
    },
    setActive(p, v, active) {
      return this.act(p.id + ' ' + v.version + (active ? ' activated' : ' deactivated'), 'POST',
        this.base(p) + '/versions/' + enc(v.version) + (active ? '/activate' : '/deactivate'));
    },
    async create() {
      const body = { ...this.form };
      delete body.parameters;
      // Left blank, model_name defaults to the provider's name and the url to the type's endpoint (seed 000's TTS).
      for (const field of ['model_name', 'url']) {
        if (!String(body[field]).trim()) delete body[field];
      }
      body.weight = Number(this.form.weight);
      if (this.form.parameters.trim()) {
        try { Object.assign(body, JSON.parse(this.form.parameters)); } catch (e) {
          this.actionError = 'Extra fields must be a JSON object: ' + e.message;
          return;
        }
      }
      if (await this.act('Version ' + body.category + '/' + body.name + '/' + body.version + ' created', 'POST',
        '/api/system-configs/provider', body)) {
        this.form.version = '';
      }
    },
  }));

  // Proposals: changes waiting for an approver, and what became of them; approve or reject (approvers), withdraw (author).
  Alpine.data('proposalsView', () => ({
    proposals: [], error: '', actionError: '', actionDone: '', busy: false, loaded: false,
    init() { poll(this, () => this.load()); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.proposals = (await api('GET', '/api/proposals')).data;
        this.error = '';
      } catch (e) { this.error = e.message; }
      this.loaded = true;
    },
    badgeOf(q) {
      return { pending: 'pending', applied: 'ok', rejected: 'bad', stale: 'bad', expired: 'stopped', withdrawn: 'stopped' }[q.status] || '';
    },
    async decide(q, action) {
      this.busy = true;
      this.actionError = '';
      this.actionDone = '';
      try {
        const answer = await api('POST', '/api/proposals/' + enc(q.id) + '/' + action);
        this.actionDone = q.summary + ': ' + answer.data.status;
        await this.load();
      } catch (e) {
        this.actionError = q.summary + ': ' + action + ' refused: ' + e.message;
      } finally { this.busy = false; }
    },
  }));

  // One version: seed 004's daily usage, latency and TTFT over the last hour, failure kinds, health and its history.
  Alpine.data('versionView', (category, name, version) => ({
    category, name, version, config: null, days: [], minutes: [], health: null, history: [],
    errors: {}, today: null,
    init() { poll(this, () => this.load(), 5000); },
    destroy() { this._stopPolling(); },
    async part(key, load) {
      try { await load(); delete this.errors[key]; } catch (e) { this.errors[key] = e.message; }
    },
    async load() {
      const p = enc(category) + '/' + enc(name);
      const v = enc(version);
      await Promise.all([
        this.part('config', async () => {
          this.config = (await api('GET', '/api/system-configs/provider/' + p + '/versions/' + v)).data;
        }),
        this.part('daily', async () => {
          const answer = await api('GET', '/api/stats/providers/' + p + '/versions/' + v + '/daily?from='
            + isoDay(-13) + '&to=' + isoDay(0));
          this.days = answer.data.slice().reverse();
          this.today = answer.data.find((d) => d.date === isoDay(0)) || null;
        }),
        this.part('minutes', async () => {
          const from = new Date(Date.now() - 3600000).toISOString();
          this.minutes = (await api('GET', '/api/stats/providers/' + p + '/versions/' + v + '/minutes?from='
            + enc(from))).data;
        }),
        this.part('health', async () => {
          this.health = (await api('GET', '/api/providers/health/' + p + '/' + v)).data;
        }),
        this.part('history', async () => {
          this.history = (await api('GET', '/api/console/health-history/' + p + '/' + v)).data;
        }),
      ]);
      this.$nextTick(() => this.draw());
    },
    draw() {
      const x = this.minutes.map((m) => secs(m.minute));
      drawChart(this.$refs.latency, { unit: ' ms', x, series: [{ label: 'p50' }, { label: 'p95' }, { label: 'p99' }],
        ys: [this.minutes.map((m) => m.p50_response_time), this.minutes.map((m) => m.p95_response_time),
          this.minutes.map((m) => m.p99_response_time)] });
      drawChart(this.$refs.ttft, { unit: ' ms', x, series: [{ label: 'TTFT p50' }, { label: 'TTFT p95' }],
        ys: [this.minutes.map((m) => m.streamed_requests ? m.p50_time_to_first_token : null),
          this.minutes.map((m) => m.streamed_requests ? m.p95_time_to_first_token : null)] });
      drawChart(this.$refs.requests, { x, series: [{ label: 'requests' }, { label: 'failed', color: '#c53030' }],
        ys: [this.minutes.map((m) => m.total_requests), this.minutes.map((m) => m.failed_requests)] });
    },
    async force() {
      await this.part('force', async () => {
        this.health = (await api('POST', '/api/health-check/force/' + enc(category) + '/' + enc(name) + '/'
          + enc(version))).data;
      });
    },
  }));

  Alpine.data('rolloutsView', () => ({
    rollouts: [], error: '',
    init() { poll(this, () => this.load()); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.rollouts = (await api('GET', '/api/rollouts')).data
          .sort((a, b) => b.created_at.localeCompare(a.created_at));
        this.error = '';
      } catch (e) { this.error = e.message; }
    },
  }));

  // One rollout: the plan, the step's progress, the judge's gates, the decisions, candidate against baseline.
  Alpine.data('rolloutView', (id) => ({
    id, r: null, error: '', actionError: '', actionDone: '', busy: false, minutes: {}, minutesError: '',
    init() { poll(this, () => this.load()); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.r = (await api('GET', '/api/rollouts/' + enc(id))).data;
        this.error = '';
      } catch (e) {
        this.error = e.message;
        return;
      }
      await this.loadMinutes();
      this.$nextTick(() => this.draw());
    },
    judge() { return this.r && this.r.judge && !this.r.judge.unavailable ? this.r.judge : null; },
    /** The judge's gates now while the rollout runs; once it ended, those of its last decision with evidence. */
    liveGates() { return !this.ended() && this.judge() && this.judge().gates ? this.judge().gates : null; },
    /** The decisions that changed the rollout and the judge's holds between them, newest first. */
    timeline() {
      if (!this.r) return [];
      const all = [...this.r.decisions, ...(this.r.holds || [])].map((d, i) => ({ d, i }));
      all.sort((a, b) => b.d.decided_at.localeCompare(a.d.decided_at) || b.i - a.i);
      return all.map((x) => x.d);
    },
    lastEvidence() {
      return this.timeline().find((d) => d.gates && d.gates.length) || null;
    },
    currentStep() { return this.r ? this.r.steps[this.r.step - 1] : null; },
    stepSeconds() { return this.r ? (Date.now() - new Date(this.r.step_started_at).getTime()) / 1000 : 0; },
    candidateSamples() { const j = this.judge(); return j && j.candidate ? j.candidate.samples : null; },
    ended() { return this.r && ['finished', 'rolled_back', 'aborted'].includes(this.r.status); },
    async loadMinutes() {
      const [category, name] = this.r.provider.split('/');
      const start = new Date(this.r.created_at).getTime();
      const end = this.ended() ? new Date(this.r.changed_at).getTime() + 60000 : Date.now();
      const from = new Date(Math.max(start - 60000, end - 86400000)).toISOString();
      const to = new Date(end).toISOString();
      for (const version of [this.r.baseline, this.r.candidate]) {
        try {
          this.minutes[version] = (await api('GET', '/api/stats/providers/' + enc(category) + '/' + enc(name)
            + '/versions/' + enc(version) + '/minutes?from=' + enc(from) + '&to=' + enc(to))).data;
          this.minutesError = '';
        } catch (e) { this.minutesError = e.message; }
      }
    },
    draw() {
      if (!this.r) return;
      const base = this.minutes[this.r.baseline] || [];
      const cand = this.minutes[this.r.candidate] || [];
      const times = [...new Set([...base, ...cand].map((m) => m.minute))].sort();
      const at = (list, minute, f) => { const m = list.find((x) => x.minute === minute); return m ? f(m) : null; };
      const x = times.map(secs);
      const errorRate = (m) => m.total_requests ? 100 * m.failed_requests / m.total_requests : null;
      drawChart(this.$refs.errors, { unit: '%', x,
        series: [{ label: 'baseline ' + this.r.baseline, color: '#5b6b82' }, { label: 'candidate ' + this.r.candidate, color: '#d9480f' }],
        ys: [times.map((t) => at(base, t, errorRate)), times.map((t) => at(cand, t, errorRate))] });
      drawChart(this.$refs.latency, { unit: ' ms', x,
        series: [{ label: 'baseline p95', color: '#5b6b82' }, { label: 'candidate p95', color: '#d9480f' }],
        ys: [times.map((t) => at(base, t, (m) => m.p95_response_time)), times.map((t) => at(cand, t, (m) => m.p95_response_time))] });
      drawChart(this.$refs.traffic, { x,
        series: [{ label: 'baseline requests', color: '#5b6b82' }, { label: 'candidate requests', color: '#d9480f' }],
        ys: [times.map((t) => at(base, t, (m) => m.total_requests)), times.map((t) => at(cand, t, (m) => m.total_requests))] });
    },
    async act(action) {
      const what = { pause: 'Pause', resume: 'Resume', abort: 'Abort (the candidate gets no more traffic)',
        promote: 'Promote to the next step' }[action];
      if (!window.confirm(what + ' rollout ' + id + '?')) return;
      this.busy = true;
      this.actionError = '';
      this.actionDone = '';
      try {
        this.r = { ...this.r, ...(await api('POST', '/api/rollouts/' + enc(id) + '/' + action,
          { reason: action + ' from the console' })).data };
        this.actionDone = action + ' applied';
      } catch (e) {
        this.actionError = action + ' refused: ' + e.message;
      } finally {
        this.busy = false;
      }
      await this.load();
    },
  }));

  Alpine.data('experimentsView', () => ({
    experiments: [], error: '',
    init() { poll(this, () => this.load(), 5000); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.experiments = (await api('GET', '/api/experiments')).data;
        this.error = '';
      } catch (e) { this.error = e.message; }
    },
  }));

  Alpine.data('experimentView', (name) => ({
    name, e: null, results: null, error: '', resultsError: '', actionError: '', busy: false,
    decisions: [], decisionsError: '', decisionsOf: null,
    init() { poll(this, () => this.load(), 5000); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.e = (await api('GET', '/api/experiments/' + enc(name))).data;
        this.error = '';
      } catch (e) { this.error = e.message; }
      try {
        const answer = await api('GET', '/api/experiments/' + enc(name) + '/results');
        this.results = answer.data || answer;
        this.resultsError = '';
      } catch (e) { this.resultsError = e.message; }
      await this.loadDecisions();
      this.$nextTick(() => this.draw());
    },
    /** An adaptive experiment's logged decisions, read again only when there is a new one. */
    async loadDecisions() {
      const latest = this.results && this.results.latest_decision;
      if (!latest || latest.sequence === this.decisionsOf) return;
      try {
        this.decisions = (await api('GET', '/api/experiments/' + enc(name) + '/decisions')).decisions || [];
        this.decisionsOf = latest.sequence;
        this.decisionsError = '';
      } catch (e) { this.decisionsError = e.message; }
    },
    /** Each arm's figure at each decision, in percent; null where the arm was not in the search yet. */
    armSeries(arms, figure) {
      return arms.map((arm) => this.decisions.map((d) => {
        const a = d.arms.find((one) => one.arm === arm);
        return a && a[figure] !== null ? 100 * a[figure] : null;
      }));
    },
    comparison(arm) { return this.results && this.results.comparisons ? this.results.comparisons.find((c) => c.arm === arm) : null; },
    /** An adaptive experiment's figure in its metric's unit. */
    metricValue(v) {
      switch (this.results && this.results.latest_decision ? this.results.latest_decision.metric : '') {
        case 'success_rate': return fmt.rate(v, 1);
        case 'latency': return fmt.num(v, 1) + ' ms';
        case 'tokens': return fmt.num(v, 1);
        case 'cost_per_request': return fmt.usd(v);
        default: return fmt.figure(v);
      }
    },
    draw() {
      if (this.decisions.length && this.$refs.shares) {
        const arms = this.decisions[this.decisions.length - 1].arms.map((a) => a.arm);
        const x = this.decisions.map((d) => secs(d.decided_at));
        const pad = 2 * ((this.e && this.e.adaptive && this.e.adaptive.decide_every_seconds) || 30);
        drawChart(this.$refs.shares, { unit: '%', x, pad, yMax: 100, series: arms.map((a) => ({ label: a + ' share' })),
          ys: this.armSeries(arms, 'share') });
        drawChart(this.$refs.best, { unit: '%', x, pad, yMax: 100, series: arms.map((a) => ({ label: a + ' P(best)' })),
          ys: this.armSeries(arms, 'probability_best') });
      }
      if (!this.results || !this.results.daily) return;
      const days = this.results.daily;
      const arms = this.results.arms.map((a) => a.arm);
      const x = days.map((d) => secs(d.date + 'T00:00:00Z'));
      drawChart(this.$refs.samples, { x, pad: 43200, series: arms.map((a) => ({ label: a + ' samples' })),
        ys: arms.map((a) => days.map((d) => (d.arms[a] ? d.arms[a].samples : null))) });
      drawChart(this.$refs.success, { unit: '%', x, pad: 43200, series: arms.map((a) => ({ label: a + ' success rate' })),
        ys: arms.map((a) => days.map((d) => (d.arms[a] && d.arms[a].samples ? 100 * d.arms[a].successes / d.arms[a].samples : null))) });
    },
    async stop() {
      if (!window.confirm('Stop experiment ' + name + '? A stopped experiment cannot be started again.')) return;
      this.busy = true;
      try {
        await api('POST', '/api/experiments/' + enc(name) + '/stop');
        this.actionError = '';
      } catch (e) { this.actionError = 'stop refused: ' + e.message; } finally { this.busy = false; }
      await this.load();
    },
  }));

  // An experiment's report, rendered by stats-streams from the topics as `replay --report` writes it.
  Alpine.data('reportView', (name) => ({
    name, report: null, error: '', loading: true,
    async init() {
      try {
        this.report = await api('GET', '/api/experiments/' + enc(name) + '/report');
      } catch (e) { this.error = e.message; }
      this.loading = false;
    },
  }));

  // Shadow comparisons of every provider that mirrors (or mirrored) traffic: baseline against each candidate.
  Alpine.data('shadowView', () => ({
    rows: [], error: '', statsError: '', from: isoDay(-6), to: isoDay(0),
    init() { poll(this, () => this.load(), 10000); },
    destroy() { this._stopPolling(); },
    async load() {
      let providers;
      try {
        providers = (await api('GET', '/api/console/providers?minutes=1')).data.providers;
        this.error = '';
      } catch (e) { this.error = e.message; return; }
      const rows = [];
      this.statsError = '';
      for (const p of providers) {
        const baseline = (p.versions.find((v) => v.is_default) || {}).version;
        if (!baseline) continue;
        try {
          const answer = await api('GET', '/api/stats/shadow/' + enc(p.category) + '/' + enc(p.name) + '/'
            + enc(baseline) + '/daily?from=' + this.from + '&to=' + this.to);
          for (const c of answer.total || []) {
            rows.push({ provider: p.id, baseline, mirroring: p.shadow || null, candidate: c.candidate_version, t: c });
          }
          if (p.shadow && !(answer.total || []).some((c) => c.candidate_version === p.shadow.candidate)) {
            rows.push({ provider: p.id, baseline, mirroring: p.shadow, candidate: p.shadow.candidate, t: null });
          }
        } catch (e) { this.statsError = e.message; }
      }
      this.rows = rows;
    },
  }));

  // Seed 001's health table, its configuration and forced checks.
  Alpine.data('healthView', () => ({
    rows: [], config: null, form: {}, error: '', configError: '', configDone: '', forcing: '',
    init() { this.loadConfig(); poll(this, () => this.load(), 3000); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        this.rows = (await api('GET', '/api/providers/health')).data;
        this.error = '';
      } catch (e) { this.error = e.message; }
    },
    async loadConfig() {
      try {
        this.config = (await api('GET', '/api/health-check/config')).data;
        this.form = { enabled: this.config.enabled, interval_seconds: this.config.interval_seconds,
          max_error_count: this.config.max_error_count, retry_after_seconds: this.config.retry_after_seconds };
      } catch (e) { this.configError = e.message; }
    },
    async save() {
      this.configError = '';
      this.configDone = '';
      const body = { enabled: this.form.enabled };
      for (const key of ['interval_seconds', 'max_error_count', 'retry_after_seconds']) {
        const n = Number(this.form[key]);
        body[key] = String(this.form[key]).trim() !== '' && Number.isFinite(n) ? n : this.form[key];
      }
      try {
        this.config = (await api('PUT', '/api/health-check/config', body)).data;
        this.configDone = 'Saved; every prober follows at once.';
      } catch (e) { this.configError = 'Not saved: ' + e.message; }
    },
    async force(row) {
      this.forcing = row.provider_id;
      try {
        await api('POST', '/api/health-check/force/' + row.provider_id.split('/').map(enc).join('/'));
        this.error = '';
      } catch (e) { this.error = 'Force check of ' + row.provider_id + ' failed: ' + e.message; }
      this.forcing = '';
      await this.load();
    },
  }));

  // Alerts: each rule and where it stands, the channels told, every rule's latest transition per version.
  Alpine.data('alertsView', () => ({
    rules: [], channels: [], alerts: [], error: '', loaded: false,
    init() { poll(this, () => this.load()); },
    destroy() { this._stopPolling(); },
    async load() {
      try {
        const [rules, channels, alerts] = await Promise.all([api('GET', '/api/alerts/rules'),
          api('GET', '/api/alerts/channels'), api('GET', '/api/alerts')]);
        this.rules = rules.data;
        this.channels = channels.data;
        this.alerts = alerts.data;
        this.error = '';
      } catch (e) { this.error = e.message; }
      this.loaded = true;
    },
    /** A rule's condition in words: "p95_latency_ms above 500 over 1 min, held 1 min, 10 requests at least". */
    condition(r) {
      const figure = r.metric.endsWith('_rate') ? fmt.rate(r.threshold, 1) : r.metric.endsWith('_ms')
        ? fmt.ms(r.threshold) : fmt.num(r.threshold, 1);
      const onHealth = r.metric === 'unhealthy' || r.metric === 'health_score';
      return r.metric + ' ' + r.comparison + ' ' + figure
        + (onHealth ? ' as the prober reports it' : ' over ' + fmt.duration(r.window_seconds))
        + ', held ' + fmt.duration(r.hold_seconds)
        + (onHealth || r.metric === 'requests_per_minute' ? '' : ', ' + r.min_samples + ' requests at least');
    },
    value(a) {
      if (a.value === null) return '–';
      return a.metric.endsWith('_rate') ? fmt.rate(a.value) : a.metric.endsWith('_ms') ? fmt.ms(a.value) : fmt.num(a.value, 1);
    },
  }));

  Alpine.data('auditView', () => ({
    changes: [], subject: '', error: '', undecodable: 0, loaded: false,
    init() { this.load(); },
    async load() {
      try {
        const answer = await api('GET', '/api/audit?limit=200' + (this.subject ? '&subject=' + enc(this.subject) : ''));
        this.changes = answer.data;
        this.undecodable = answer.undecodable;
        this.error = '';
      } catch (e) { this.error = e.message; }
      this.loaded = true;
    },
    /** What a change did: the fields it set (a creation), removed (a deletion) or changed, before and after. */
    diff(change) {
      const object = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
      if (!object(change.before) || !object(change.after)) {
        if (object(change.after)) return Object.entries(change.after).map(([key, after]) => ({ key, set: after }));
        if (object(change.before)) return Object.entries(change.before).map(([key, before]) => ({ key, removed: before }));
        return [{ key: change.after === null ? 'removed' : 'value', before: change.before, after: change.after, whole: true }];
      }
      const keys = [...new Set([...Object.keys(change.before), ...Object.keys(change.after)])];
      return keys.filter((k) => JSON.stringify(change.before[k]) !== JSON.stringify(change.after[k]))
        .map((k) => ({ key: k, before: change.before[k], after: change.after[k] }));
    },
    show(v) { return v === undefined || v === null ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v); },
    line(d) {
      if ('set' in d) return d.key + ' = ' + this.show(d.set);
      if ('removed' in d) return d.key + ' (was ' + this.show(d.removed) + ')';
      if (d.whole) return d.before === null || d.before === undefined ? this.show(d.after) : this.show(d.before) + ' → ' + this.show(d.after);
      return d.key + ': ' + this.show(d.before) + ' → ' + this.show(d.after);
    },
  }));
});
