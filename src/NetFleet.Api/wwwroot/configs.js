// Configuration backups in the dashboard: a device's timeline from the archive (each commit with its job, user, drift mark
// and diff to the version before), the drift page (#/drift), and the drift marks on the devices table.
import { ApiError, api, query } from './api.js';
import { diffView, formatTime, h, statusBadge } from './dom.js';

/** Appends the device's configuration timeline to `view`; a device never backed up says so. */
export async function renderConfigTimeline(view, device, signal) {
  const section = h('section', { class: 'card', id: 'config-timeline' }, h('h2', {}, 'Configuration timeline'));
  view.append(section);
  let versions;
  try {
    versions = await api(`/api/devices/${encodeURIComponent(device)}/configs`, { signal });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    section.append(h('p', { class: 'muted', id: 'no-configs' }, 'Not in the configuration archive yet: run netfleet backup.'));
    return;
  }
  for (const v of versions) {
    section.append(h('article', { class: 'change', dataset: { commit: v.commit, drift: String(v.drift) } },
      h('header', {},
        h('code', { title: v.commit }, v.commit.slice(0, 10)), ' · ', formatTime(v.at), ' · ',
        v.jobId ? h('a', { href: `#/jobs/${encodeURIComponent(v.jobId)}` }, v.jobId) : '—', ' · ', v.user,
        v.drift ? [' · ', statusBadge('drift'), v.changedBy ? h('span', { class: 'muted' }, ` changed by ${v.changedBy}`) : null] : null),
      diffView(v.diff)));
  }
}

/** The drift page: every drift recorded, newest first, with who changed the device and the diff. */
export async function renderDrift(view, { params, signal }) {
  view.append(h('h1', {}, 'Drift'));
  const device = params.get('device');
  const rows = await api(`/api/drift${query({ device })}`, { signal });
  if (rows.length === 0) {
    view.append(h('p', { class: 'muted', id: 'no-drift' }, 'No configuration was found changed outside NetFleet.'));
    return;
  }
  const section = h('section', { class: 'card', id: 'drift-list' });
  view.append(section);
  for (const d of rows) {
    section.append(h('article', { class: 'change', dataset: { device: d.device, jobId: d.jobId } },
      h('header', {},
        h('a', { href: `#/devices/${encodeURIComponent(d.device)}` }, d.device), ' · ', formatTime(d.at), ' · found by ',
        h('a', { href: `#/jobs/${encodeURIComponent(d.jobId)}` }, d.jobId), ` (${d.source})`, ' · changed by ', d.changedBy ?? 'unknown',
        d.changedAt ? ` at ${formatTime(d.changedAt)}` : ''),
      diffView(d.diff)));
  }
}

/** Marks the rows of the devices table whose latest recorded event is drift. */
export async function markDrifted(table, signal) {
  const rows = await api('/api/drift', { signal }).catch(() => []);
  const drifted = new Set(rows.map(d => d.device));
  for (const tr of table.querySelectorAll('tbody tr')) {
    if (!drifted.has(tr.dataset.device)) continue;
    tr.dataset.drift = 'true';
    tr.cells[0].append(' ', h('a', { href: `#/drift?device=${encodeURIComponent(tr.dataset.device)}` }, statusBadge('drift')));
  }
}
