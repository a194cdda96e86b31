// The devices page (the node's inventory, no secrets) and a device's page with its change history: every diff a job
// made on it, newest first.
import { api } from './api.js';
import { diffView, formatTime, h } from './dom.js';
import { playbookName } from './jobs.js';
import { markDrifted, renderConfigTimeline } from './configs.js';

export async function renderDevices(view, { signal }) {
  view.append(h('h1', {}, 'Devices'));
  const hosts = await api('/api/inventory', { signal });
  view.append(hosts.length === 0
    ? h('p', { class: 'muted' }, 'The node\'s inventory is empty.')
    : h('section', { class: 'card' }, h('table', { class: 'devices', id: 'devices-table' },
      h('thead', {}, h('tr', {}, ['Device', 'Address', 'Platform', 'Site', 'Groups'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, hosts.map(host => h('tr', { dataset: { device: host.name } },
        h('td', {}, h('a', { href: `#/devices/${encodeURIComponent(host.name)}` }, host.name)),
        h('td', {}, host.hostname), h('td', {}, host.platform ?? ''), h('td', {}, host.site ?? ''),
        h('td', {}, (host.groups ?? []).join(', '))))))));
  const table = view.querySelector('#devices-table');
  if (table) await markDrifted(table, signal);
}

export async function renderDevice(view, { args: [device], signal }) {
  view.append(h('h1', {}, 'Device ', h('code', {}, device)));
  const [hosts, changes] = await Promise.all([
    api('/api/inventory', { signal }).catch(() => []),
    api(`/api/devices/${encodeURIComponent(device)}/history`, { signal }),
  ]);
  const host = hosts.find(x => x.name === device);
  if (host) {
    view.append(h('dl', { class: 'meta' },
      h('dt', {}, 'Address'), h('dd', {}, host.hostname),
      h('dt', {}, 'Platform'), h('dd', {}, host.platform ?? ''),
      h('dt', {}, 'Groups'), h('dd', {}, (host.groups ?? []).join(', ') || '—')));
  }
  await renderConfigTimeline(view, device, signal);
  const section = h('section', { class: 'card', id: 'device-history' }, h('h2', {}, 'Change history'));
  view.append(section);
  if (changes.length === 0) {
    section.append(h('p', { class: 'muted', id: 'no-changes' }, 'No job has changed this device\'s configuration.'));
    return;
  }
  for (const change of changes) {
    section.append(h('article', { class: 'change', dataset: { jobId: change.jobId } },
      h('header', {},
        h('a', { href: `#/jobs/${encodeURIComponent(change.jobId)}` }, change.jobId), ' · ',
        formatTime(change.at), ' · ', h('span', { title: change.playbook }, playbookName(change.playbook)), ' · ', change.user,
        change.task ? h('span', { class: 'muted' }, ` · ${change.task}`) : null),
      diffView(change.diff)));
  }
}
