// The jobs page: the durations/outcomes chart, filters (status, user, playbook) kept in the URL, and the jobs table,
// newest first, each row linking to its job page.
import { api, query } from './api.js';
import { durationChart } from './chart.js';
import { errorBox, formatDuration, formatTime, h, statusBadge } from './dom.js';

const STATUSES = ['running', 'succeeded', 'failed', 'halted', 'cancelled'];
const CHART_DAYS = 30;
const REFRESH_MS = 15_000;

export async function renderJobs(view, { params, signal }) {
  const filters = { status: params.get('status') ?? '', user: params.get('user') ?? '', playbook: params.get('playbook') ?? '' };
  const status = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map(s => h('option', { value: s, selected: s === filters.status }, s)));
  const user = h('input', { id: 'filter-user', name: 'user', value: filters.user, placeholder: 'any user' });
  const playbook = h('input', { id: 'filter-playbook', name: 'playbook', value: filters.playbook, placeholder: 'any playbook' });
  const form = h('form', { class: 'filters', id: 'job-filters' },
    h('label', {}, 'Status ', status), h('label', {}, 'User ', user), h('label', {}, 'Playbook ', playbook),
    h('button', { type: 'submit' }, 'Filter'),
    h('a', { href: '#/jobs', class: 'button secondary' }, 'Clear'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    location.hash = `#/jobs${query({ status: status.value, user: user.value.trim(), playbook: playbook.value.trim() })}`;
  });
  status.addEventListener('change', () => form.requestSubmit());

  const chartSection = h('section', { class: 'card', id: 'job-chart' },
    h('h2', {}, `Job durations and outcomes, last ${CHART_DAYS} days`), h('div', {}, h('p', { class: 'muted' }, 'Loading…')));
  const tableSection = h('section', { class: 'card' }, h('h2', {}, 'Jobs'), form, h('div', {}, h('p', { class: 'muted' }, 'Loading…')));
  view.append(h('h1', {}, 'Jobs'), chartSection, tableSection);

  const chartBody = chartSection.lastChild;
  const tableBody = tableSection.lastChild;
  const load = async () => {
    const [stats, jobs] = await Promise.allSettled([
      api(`/api/stats/jobs${query({ days: CHART_DAYS })}`, { signal }),
      api(`/api/jobs${query({ ...filters, limit: 200 })}`, { signal }),
    ]);
    if (jobs.status === 'rejected') throw jobs.reason;
    chartBody.replaceChildren(stats.status === 'fulfilled' ? durationChart(stats.value) : errorBox(stats.reason, 'Could not load the chart'));
    tableBody.replaceChildren(jobs.value.length === 0 ? h('p', { class: 'muted', id: 'no-jobs' }, 'No jobs match.') : jobsTable(jobs.value));
  };
  await load();

  // Jobs others submit appear without a reload; a failed refresh keeps what is shown and tries again.
  const refresh = setInterval(() => {
    if (document.visibilityState === 'visible') load().catch(() => {});
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(refresh));
}

function jobsTable(jobs) {
  return h('table', { class: 'jobs', id: 'jobs-table' },
    h('thead', {}, h('tr', {},
      ['Job', 'Playbook', 'User', 'Status', 'Started', 'Duration', 'Devices', 'ok', 'changed', 'failed', 'unreachable']
        .map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, jobs.map(job => h('tr', { dataset: { jobId: job.jobId } },
      h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(job.jobId)}` }, job.jobId)),
      h('td', {}, h('a', { href: `#/jobs?playbook=${encodeURIComponent(job.playbook)}`, title: 'only this playbook' }, playbookName(job.playbook))),
      h('td', {}, h('a', { href: `#/jobs?user=${encodeURIComponent(job.user)}`, title: 'only this user' }, job.user)),
      h('td', {}, statusBadge(job.status)),
      h('td', {}, formatTime(job.started)),
      h('td', { class: 'num' }, formatDuration(job.durationSeconds)),
      h('td', { class: 'num' }, job.devices),
      h('td', { class: 'num' }, job.ok),
      h('td', { class: 'num' }, job.changed),
      h('td', { class: `num${job.failed ? ' bad' : ''}` }, job.failed),
      h('td', { class: `num${job.unreachable ? ' bad' : ''}` }, job.unreachable)))));
}

/** The playbook's file name without folders: the table has no room for absolute paths (the title has it). */
export const playbookName = path => String(path ?? '').split('/').pop();
