// A job's page: what it is, the operator's buttons, the per-device grid (live from the job's event stream), the diff
// of the device picked in the grid, the rollout's batches on a timeline and the audit trail. The page starts from
// GET /api/jobs/{id} and, while the job runs, applies its events as they come; when it ends, it reloads the job.
import { ApiError, api, followJobEvents, session } from './api.js';
import { diffView, errorBox, formatClock, formatDuration, formatTime, h, statusBadge } from './dom.js';
import { playbookName } from './jobs.js';

/** TaskOutcome as the events carry it: a name, or its number when the server writes enums as numbers. */
const OUTCOMES = ['ok', 'changed', 'failed', 'unreachable', 'skipped'];
/** Which outcome a device shows when its tasks differ: the worst. */
const RANK = { skipped: 0, ok: 1, changed: 2, failed: 3, unreachable: 4 };
const FINAL = new Set(Object.keys(RANK));
const RECONNECTS = 5;
const HISTORY_CHECK_MS = 5_000;
/** Sensors report a running capture every second; one silent this long has stopped, so its line goes. */
const CAPTURE_SHOWN_MS = 3_000;

/** JobOutcome likewise. */
const JOB_OUTCOMES = ['succeeded', 'failed', 'halted', 'cancelled'];

const outcomeName = value => (typeof value === 'number' ? OUTCOMES[value] : String(value ?? '').toLowerCase());
const jobOutcomeName = value => (typeof value === 'number' ? JOB_OUTCOMES[value] : String(value ?? '').toLowerCase());
const worse = (a, b) => (a === null || a === undefined ? b : b === null || b === undefined ? a : RANK[b] > RANK[a] ? b : a);
const path = jobId => `/api/jobs/${encodeURIComponent(jobId)}`;

export async function renderJob(view, { args: [jobId], signal }) {
  const page = new JobPage(view, jobId, signal);
  await page.load();
}

class JobPage {
  constructor(view, jobId, signal) {
    this.view = view;
    this.jobId = jobId;
    this.signal = signal;
    this.detail = null;
    this.live = freshLive();
    this.selected = null;
    /** The history's diff of the selected device: { device, diff }. */
    this.fetchedDiff = null;
    this.renderQueued = false;

    this.title = h('h1', {}, 'Job ', h('code', {}, jobId), ' ');
    this.status = h('span', { id: 'job-status', dataset: { jobStatus: 'loading' } });
    this.title.append(this.status);
    this.meta = h('dl', { class: 'meta', id: 'job-meta' });
    this.actions = h('div', { class: 'actions', id: 'job-actions' });
    this.actionStatus = h('div', { class: 'form-status', id: 'action-status' });
    this.approval = h('p', { class: 'approval-wait', id: 'approval-wait', hidden: true });
    this.captures = h('ul', { class: 'captures', id: 'captures', hidden: true });
    this.streamStatus = h('p', { class: 'muted stream-status', id: 'stream-status' });
    this.summary = h('p', { class: 'summary', id: 'job-summary' });
    this.grid = h('div', { class: 'device-grid', id: 'device-grid', role: 'list' });
    this.diffPanel = h('section', { class: 'card diff-panel', id: 'diff-panel', hidden: true });
    this.timeline = h('div', { class: 'timeline', id: 'timeline' });
    this.audit = h('div', { id: 'audit' });
    view.append(this.title, this.meta, this.approval, this.actions, this.actionStatus,
      h('section', { class: 'card' }, h('h2', {}, 'Devices'), legend(), this.summary, this.grid, this.captures, this.streamStatus),
      this.diffPanel,
      h('section', { class: 'card' }, h('h2', {}, 'Rollout'), this.timeline),
      h('section', { class: 'card' }, h('h2', {}, 'Audit'), this.audit));

    const ticker = setInterval(() => {
      if (!this.isRunning()) return;
      this.renderTimeline();
      this.renderCaptures();
    }, 1000);
    signal.addEventListener('abort', () => clearInterval(ticker));
  }

  async load() {
    await this.reload();
    if (!this.detail || this.detail.status === 'running') this.follow();
  }

  /** The job as the history has it; a job just submitted may not be there yet, which its events make up for. */
  async reload() {
    try {
      this.detail = await api(path(this.jobId), { signal: this.signal });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      this.streamStatus.textContent = `The job history has no job ${this.jobId} (yet); waiting for its events…`;
    }
    this.render();
  }

  isRunning() {
    return this.live.finished ? false : this.detail ? this.detail.status === 'running' : true;
  }

  async follow() {
    for (let attempt = 0; attempt <= RECONNECTS && !this.signal.aborted; attempt++) {
      this.streamStatus.textContent = attempt === 0 ? 'Following the job live…' : `Reconnecting to the job's events (${attempt})…`;
      // The node replays a job's events from its start on every connection, so each one begins from nothing.
      this.live = freshLive();
      const stream = new AbortController();
      const leave = () => stream.abort();
      this.signal.addEventListener('abort', leave, { once: true });
      const watchdog = setInterval(() => this.endStreamIfFinished(stream), HISTORY_CHECK_MS);
      try {
        await followJobEvents(this.jobId, (name, data) => this.apply(name, data), stream.signal);
      } catch (e) {
        if (e.name !== 'AbortError' && e instanceof ApiError && e.status >= 400 && e.status < 500) {
          this.streamStatus.replaceChildren(errorBox(e, 'Live updates stopped'));
          return;
        }
      } finally {
        clearInterval(watchdog);
        this.signal.removeEventListener('abort', leave);
      }
      if (this.signal.aborted) return;
      await this.reload().catch(() => {});
      if (this.live.finished || (this.detail && this.detail.status !== 'running')) {
        this.streamStatus.textContent = 'The job has finished.';
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 1000 * (attempt + 1)));
    }
    if (!this.signal.aborted) this.streamStatus.replaceChildren(errorBox({ message: 'The job\'s event stream keeps closing; reload the page to try again.' }, 'Live updates stopped'));
  }

  /** A stream that missed the job's end (a node restarted, a message lost) must not leave the page running forever:
   * the history has the last word. */
  async endStreamIfFinished(stream) {
    try {
      const detail = await api(path(this.jobId), { signal: stream.signal });
      if (detail.status !== 'running') stream.abort();
    } catch {
      // The next check, or the stream itself, will tell.
    }
  }

  apply(name, e) {
    const live = this.live;
    switch (name) {
      case 'job-started':
        live.started = e.at;
        live.taskCount = e.taskCount;
        for (const device of e.devices ?? []) this.liveDevice(device);
        break;
      case 'batch-started': {
        const previous = live.batches.at(-1);
        if (previous && !previous.finished) previous.finished = e.at;
        live.batches.push({ number: live.batches.length + 1, play: e.playIndex + 1, index: e.batchIndex + 1, of: e.batchCount,
          devices: e.devices, started: e.at, finished: null });
        for (const device of e.devices) {
          const d = this.liveDevice(device);
          d.batch ??= live.batches.length;
          d.running = true;
        }
        break;
      }
      case 'task-started': {
        const d = this.liveDevice(e.device);
        d.running = true;
        d.task = e.task;
        break;
      }
      case 'task-finished': {
        const r = e.result;
        const d = this.liveDevice(r.device);
        const outcome = r.ignored ? 'ok' : outcomeName(r.outcome);
        d.worst = worse(d.worst, outcome);
        d.finishedTasks++;
        if (r.diff) d.diffs.push(r.diff);
        if (outcome === 'failed' || outcome === 'unreachable') d.message ??= `${r.task}: ${r.message ?? outcome}`;
        d.task = null;
        break;
      }
      case 'approval-requested': {
        // The batch before the gate is done; the timeline should not show it running while the job waits.
        const previous = live.batches.at(-1);
        if (previous && !previous.finished) previous.finished = e.at;
        live.approval = { waiting: true, batch: e.batchIndex + 1, of: e.batchCount, devices: e.devices ?? [] };
        break;
      }
      case 'approval-granted':
        live.approval = { waiting: false, user: e.user };
        break;
      case 'capture-progress':
        live.captures.set(e.captureId, { ...e, received: Date.now() });
        break;
      case 'job-finished': {
        live.finished = jobOutcomeName(e.summary?.outcome ?? 'finished');
        live.approval = { waiting: false };
        live.captures.clear();
        const last = live.batches.at(-1);
        if (last && !last.finished) last.finished = e.at;
        for (const d of live.devices.values()) d.running = false;
        break;
      }
      default:
        return;
    }
    this.scheduleRender();
  }

  liveDevice(name) {
    let d = this.live.devices.get(name);
    if (!d) {
      d = { name, worst: null, running: false, batch: null, diffs: [], message: null, task: null, finishedTasks: 0 };
      this.live.devices.set(name, d);
    }
    return d;
  }

  scheduleRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      if (!this.signal.aborted) this.render();
    });
  }

  /** Devices as shown: the history's view, overtaken by what the live events have said since. */
  devices() {
    const fromHistory = new Map((this.detail?.devices ?? []).map(d => [d.device, d]));
    const names = [...fromHistory.keys(), ...[...this.live.devices.keys()].filter(n => !fromHistory.has(n))];
    return names.map(name => {
      const known = fromHistory.get(name);
      const live = this.live.devices.get(name);
      const settled = FINAL.has(known?.status) ? known.status : null;
      const worst = worse(settled, live?.worst ?? null);
      const running = this.isRunning() && (live?.running || known?.status === 'running');
      return {
        name,
        status: worst ?? (running ? 'running' : known?.status ?? 'pending'),
        busy: running && live?.task != null,
        task: live?.task,
        batch: known?.batch ?? live?.batch,
        message: known?.message ?? live?.message,
        diff: live?.diffs.join('\n') ?? '',
      };
    });
  }

  batches() {
    if (this.live.batches.length > 0 && (this.isRunning() || !this.detail?.batches?.length)) return this.live.batches;
    return this.detail?.batches ?? [];
  }

  render() {
    const detail = this.detail;
    const status = this.live.finished && (!detail || detail.status === 'running') ? this.live.finished : detail?.status ?? 'running';
    this.status.replaceChildren(statusBadge(status));
    this.status.dataset.jobStatus = status;

    this.meta.replaceChildren(...[
      ['Playbook', detail ? h('span', { title: detail.playbook }, playbookName(detail.playbook)) : null],
      ['User', detail?.user],
      ['Started', formatTime(detail?.started ?? this.live.started)],
      ['Finished', detail?.finished ? `${formatTime(detail.finished)} (${formatDuration((new Date(detail.finished) - new Date(detail.started)) / 1000)})` : null],
      ['Mode', detail ? (detail.check ? 'check (nothing changed on the devices)' : 'apply') : null],
      ['Limit', detail?.limit],
      ['Halted', detail?.haltReason],
    ].filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

    this.renderApproval(status);
    this.renderActions(status);
    this.renderGrid();
    this.renderCaptures();
    this.renderTimeline();
    this.renderAudit();
  }

  /** Whether the job waits at an approval gate: the live events say so as it happens; without them, the job history. */
  waitingForApproval(status) {
    if (status !== 'running') return false;
    return this.live.approval ? this.live.approval.waiting : Boolean(this.detail?.waitingForApproval);
  }

  renderApproval(status) {
    const waiting = this.waitingForApproval(status);
    this.approval.hidden = !waiting;
    if (!waiting) {
      this.approval.replaceChildren();
      return;
    }
    const gate = this.live.approval;
    this.approval.replaceChildren(h('strong', {}, 'Waiting for approval'),
      gate?.batch ? ` of batch ${gate.batch}${gate.of ? ` of ${gate.of}` : ''}${gate.devices.length ? ` (${gate.devices.join(', ')})` : ''}` : '',
      session.isOperator ? '. Approve lets it go on.' : '. An operator can approve it.');
  }

  /** One live line per running capture of the job's plays: totals and rates of its sensor's latest report. */
  renderCaptures() {
    const now = Date.now();
    const shown = [...this.live.captures.values()].filter(c => now - c.received < CAPTURE_SHOWN_MS);
    this.captures.hidden = shown.length === 0;
    this.captures.replaceChildren(...shown.map(c => h('li', { dataset: { captureId: c.captureId } },
      h('strong', {}, 'capture '), h('code', {}, c.captureId), ` on ${c.sensor} ${c.interface}: `,
      `${formatCount(c.packets)} packets, ${formatCount(Math.round(c.packetsPerSecond))} pkt/s, ${formatBits(c.bitsPerSecond)}`,
      c.topTalker ? `, top talker ${c.topTalker}` : '')));
  }

  renderActions(status) {
    if (!session.isOperator) {
      this.actions.replaceChildren();
      return;
    }
    const running = status === 'running';
    this.actions.replaceChildren(...[
      running && this.actionButton('Cancel', 'cancel', 'danger', 'Stop the job: no new tasks start; devices mid-change are reverted.'),
      this.waitingForApproval(status) && this.actionButton('Approve', 'approve', '', 'Let the job go on with the batch waiting at its approval gate.'),
      !running && this.actionButton('Roll back', 'rollback', 'danger', 'Restore every device this job changed to its configuration before the job, as a new job.'),
    ].filter(Boolean));
  }

  actionButton(label, action, kind, title) {
    const button = h('button', { type: 'button', class: kind, title, dataset: { action } }, label);
    button.addEventListener('click', async () => {
      if ((action === 'cancel' || action === 'rollback') && !confirm(`${label} job ${this.jobId}?`)) return;
      button.disabled = true;
      this.actionStatus.replaceChildren(h('span', { class: 'muted' }, `${label}…`));
      try {
        const answer = await api(`${path(this.jobId)}/${action}`, { method: 'POST', signal: this.signal });
        if (action === 'rollback') {
          location.hash = `#/jobs/${encodeURIComponent(answer.jobId)}`;
          return;
        }
        this.actionStatus.replaceChildren(h('span', { class: 'ok-text' }, action === 'cancel' ? 'Cancel requested.' : 'Approved.'));
        await this.reload();
      } catch (e) {
        if (e.name === 'AbortError') return;
        this.actionStatus.replaceChildren(errorBox(e, `${label} failed`));
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  renderGrid() {
    const devices = this.devices();
    const done = devices.filter(d => FINAL.has(d.status) && !d.busy).length;
    const counts = Object.keys(RANK).map(s => [s, devices.filter(d => d.status === s).length]).filter(([, n]) => n > 0);
    this.summary.replaceChildren(`${done} of ${devices.length} devices done`,
      ...counts.map(([s, n]) => h('span', { class: `count status-${s}` }, ` ${s} ${n}`)));
    const cells = devices.map(d => {
      const cell = h('button', {
        type: 'button', role: 'listitem', class: `device-cell status-${d.status}${d.busy ? ' busy' : ''}${d.name === this.selected ? ' selected' : ''}`,
        dataset: { device: d.name, status: d.status },
        title: [d.name, d.status, d.task && `running: ${d.task}`, d.message].filter(Boolean).join('\n'),
        'aria-pressed': d.name === this.selected ? 'true' : 'false',
      }, h('span', { class: 'name' }, d.name), h('span', { class: 'state' }, d.status), d.batch ? h('span', { class: 'batch' }, `batch ${d.batch}`) : null);
      cell.addEventListener('click', () => this.select(d.name));
      return cell;
    });
    this.grid.replaceChildren(...(cells.length ? cells : [h('p', { class: 'muted' }, 'Waiting for the job to start…')]));
    if (this.selected) this.renderDiff(devices.find(d => d.name === this.selected), false);
  }

  async select(device) {
    this.selected = device;
    this.renderGrid();
    const shown = this.devices().find(d => d.name === device);
    this.renderDiff(shown, true);
    try {
      const answer = await api(`${path(this.jobId)}/devices/${encodeURIComponent(device)}/diff`, { signal: this.signal });
      if (this.selected !== device) return;
      // Right after a task the history may lag the live event: keep the live diff until the history has it.
      if (answer.diff || !shown?.diff) this.fetchedDiff = { device, diff: answer.diff };
      this.renderDiff(this.devices().find(d => d.name === device), false);
    } catch (e) {
      if (e.name === 'AbortError' || this.selected !== device) return;
      this.diffPanel.append(errorBox(e, 'Could not load the diff'));
    }
  }

  renderDiff(device, loading) {
    if (!device) return;
    const fetched = this.fetchedDiff?.device === device.name ? this.fetchedDiff.diff : null;
    const diff = fetched || device.diff;
    this.diffPanel.hidden = false;
    this.diffPanel.dataset.device = device.name;
    this.diffPanel.replaceChildren(...[
      h('h2', {}, 'Diff of ', h('code', {}, device.name), ' ', statusBadge(device.status)),
      h('p', {}, h('a', { href: `#/devices/${encodeURIComponent(device.name)}`, id: 'device-history-link' }, `Change history of ${device.name}`)),
      device.message && errorBox({ message: device.message }, 'Failure'),
      loading && !diff ? h('p', { class: 'muted' }, 'Loading the diff…') : diffView(diff, { id: 'diff-text' }),
    ].filter(Boolean));
  }

  renderTimeline() {
    const batches = this.batches();
    if (batches.length === 0) {
      this.timeline.replaceChildren(h('p', { class: 'muted' }, this.isRunning() ? 'No batch has started yet.' : 'This job ran no batches (a rollback, say).'));
      return;
    }
    const start = Math.min(...batches.map(b => new Date(b.started).getTime()));
    const ends = batches.map(b => (b.finished ? new Date(b.finished).getTime() : Date.now()));
    const end = Math.max(...ends, start + 1000);
    const pct = t => `${(((t - start) / (end - start)) * 100).toFixed(2)}%`;
    this.timeline.replaceChildren(
      h('div', { class: 'timeline-scale' }, h('span', {}, formatClock(new Date(start).toISOString())),
        h('span', {}, formatDuration((end - start) / 1000)), h('span', {}, formatClock(new Date(end).toISOString()))),
      ...batches.map((b, i) => {
        const from = new Date(b.started).getTime();
        const to = ends[i];
        return h('div', { class: 'timeline-row', dataset: { batch: b.number } },
          h('span', { class: 'timeline-label' }, `Play ${b.play} · batch ${b.number}`, h('small', {}, ` ${b.devices.length} device${b.devices.length === 1 ? '' : 's'}`)),
          h('span', { class: 'timeline-track' },
            h('span', {
              class: `timeline-bar${b.finished ? '' : ' running'}`,
              style: `left:${pct(from)};width:max(3px, calc(${pct(to)} - ${pct(from)}))`,
              title: `${b.devices.join(', ')}\n${formatClock(b.started)} – ${b.finished ? formatClock(b.finished) : 'running'} (${formatDuration((to - from) / 1000)})`,
            })));
      }));
  }

  renderAudit() {
    const audit = this.detail?.audit ?? [];
    this.audit.replaceChildren(audit.length === 0
      ? h('p', { class: 'muted' }, 'Nothing recorded yet.')
      : h('table', { class: 'audit' },
        h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Detail'].map(c => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, audit.map(a => h('tr', {}, h('td', {}, formatTime(a.at)), h('td', {}, a.user), h('td', {}, a.action), h('td', {}, a.detail ?? ''))))));
  }
}

function freshLive() {
  return { started: null, taskCount: null, devices: new Map(), batches: [], finished: null, approval: null, captures: new Map() };
}

const formatCount = n => Number(n ?? 0).toLocaleString('en');

function formatBits(bits) {
  const units = [[1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']];
  const [size, unit] = units.find(([size]) => bits >= size) ?? [1, 'bit/s'];
  return `${(bits / size).toFixed(size === 1 ? 0 : 1)} ${unit}`;
}

function legend() {
  return h('ul', { class: 'legend' }, ['pending', 'running', 'ok', 'changed', 'failed', 'unreachable', 'skipped'].map(s =>
    h('li', {}, h('span', { class: `swatch status-${s}` }), s)));
}
