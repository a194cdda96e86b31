// The schedules page: every schedule the cluster keeps, with its clock, next slot and latest slots (each slot's job links
// to its page; a skipped or refused slot says why), and for operators pause, resume and remove. Schedules are added
// with `netfleet schedule add` or POST /api/schedules.
import { api, session } from './api.js';
import { errorBox, formatTime, h } from './dom.js';
import { playbookName } from './jobs.js';

const REFRESH_MS = 5_000;
const SLOTS_SHOWN = 3;

export async function renderSchedules(view, { signal }) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  view.append(h('h1', {}, 'Schedules'), h('section', { class: 'card' }, body));
  const load = async () => {
    const schedules = await api('/api/schedules', { signal });
    body.replaceChildren(schedules.length === 0
      ? h('p', { class: 'muted', id: 'no-schedules' }, 'No schedules. Add one with netfleet schedule add.')
      : schedulesTable(schedules, load, body));
  };
  await load();
  const refresh = setInterval(() => {
    if (document.visibilityState === 'visible') load().catch(() => {});
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(refresh));
}

function schedulesTable(schedules, reload, body) {
  const columns = ['Name', 'State', 'When', 'Playbook', 'Next slot', 'Latest slots', 'Running'];
  if (session.isOperator) columns.push('');
  return h('table', { class: 'schedules', id: 'schedules-table' },
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, schedules.map(s => h('tr', { dataset: { schedule: s.name, state: s.state } },
      h('td', {}, s.name),
      h('td', {}, h('span', { class: `badge schedule-${s.state}` }, s.state)),
      h('td', {}, h('code', {}, s.cron), ` ${s.timeZone}`, h('div', { class: 'muted' }, `catch-up ${s.catchUp}, overlap ${s.overlap}`)),
      h('td', { title: s.playbook }, playbookName(s.playbook)),
      h('td', {}, formatTime(s.nextSlot)),
      h('td', {}, s.recent.slice(0, SLOTS_SHOWN).map(slot => h('div', { class: 'slot', dataset: { state: slot.state } },
        formatTime(slot.slot), ' ',
        slot.jobId ? h('a', { href: `#/jobs/${encodeURIComponent(slot.jobId)}` }, slot.jobId) : null, ' ', slot.state,
        slot.detail ? h('span', { class: 'muted' }, `: ${slot.detail}`) : null))),
      h('td', {}, s.runningJobId ? h('a', { href: `#/jobs/${encodeURIComponent(s.runningJobId)}` }, s.runningJobId) : '',
        s.queuedSlot ? h('div', { class: 'muted' }, `queued ${formatTime(s.queuedSlot)}`) : null),
      session.isOperator ? h('td', {}, actions(s, reload, body)) : null))));
}

function actions(schedule, reload, body) {
  const path = `/api/schedules/${encodeURIComponent(schedule.name)}`;
  const button = (label, action, method, url) => h('button', {
    type: 'button', class: 'secondary', dataset: { action },
    onclick: async event => {
      event.target.disabled = true;
      try {
        await api(url, { method });
        await reload();
      } catch (e) {
        body.prepend(errorBox(e, `Could not ${action} ${schedule.name}`));
        event.target.disabled = false;
      }
    },
  }, label);
  return [
    schedule.state === 'paused' ? button('Resume', 'resume', 'POST', `${path}/resume`) : button('Pause', 'pause', 'POST', `${path}/pause`),
    ' ',
    button('Remove', 'remove', 'DELETE', path),
  ];
}
