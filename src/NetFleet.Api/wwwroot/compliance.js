// The compliance page: a grid of devices × rules with each device's latest verdict (pass, or FAIL / WARN / INFO by the
// rule's severity; the message on hover), and each rule's trend: devices passing out of devices checked, run by run.
import { api } from './api.js';
import { formatTime, h } from './dom.js';

const failure = { error: ['FAIL', 'failed'], warning: ['WARN', 'changed'], info: ['INFO', 'skipped'] };

function cell(verdict) {
  if (!verdict) return h('td', { class: 'muted' }, '–');
  const [text, status] = verdict.passed ? ['pass', 'ok'] : failure[verdict.severity] ?? failure.error;
  return h('td', { title: verdict.message, dataset: { verdict: text } }, h('span', { class: `badge status-${status}` }, text));
}

export async function renderCompliance(view, { signal }) {
  view.append(h('h1', {}, 'Compliance'));
  const { latest, trend } = await api('/api/compliance', { signal });
  if (latest.length === 0) {
    view.append(h('p', { class: 'muted', id: 'no-compliance' }, 'No compliance run yet: netfleet compliance run --rules compliance/'));
    return;
  }
  const rules = [...new Set(latest.map(v => v.rule))].sort();
  const devices = [...new Set(latest.map(v => v.device))].sort();
  const byKey = new Map(latest.map(v => [`${v.device}\u0000${v.rule}`, v]));
  const compliant = devices.filter(d => latest.filter(v => v.device === d).every(v => v.passed)).length;
  view.append(h('p', {}, `${compliant} of ${devices.length} device(s) compliant.`));
  view.append(h('section', { class: 'card' }, h('table', { id: 'compliance-grid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Device'), rules.map(r => h('th', { scope: 'col' }, r)))),
    h('tbody', {}, devices.map(d => h('tr', { dataset: { device: d } },
      h('th', { scope: 'row' }, h('a', { href: `#/devices/${encodeURIComponent(d)}` }, d)),
      rules.map(r => cell(byKey.get(`${d}\u0000${r}`)))))))));
  view.append(h('section', { class: 'card' }, h('h2', {}, 'Trend'), h('table', { id: 'compliance-trend' },
    h('thead', {}, h('tr', {}, ['Rule', 'Latest', 'Runs (passed/checked, oldest first)'].map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, trend.map(t => {
      const last = t.runs[t.runs.length - 1];
      return h('tr', { dataset: { rule: t.rule } },
        h('td', {}, t.rule),
        h('td', { class: last.passed < last.checked ? 'bad' : '' }, `${last.passed}/${last.checked}`),
        h('td', {}, t.runs.map(r => h('span', { title: `${r.jobId} · ${formatTime(r.at)}`, class: 'run' }, `${r.passed}/${r.checked} `))));
    })))));
}
