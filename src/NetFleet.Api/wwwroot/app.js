// The dashboard's shell: log-in state, the header, and a hash router (#/jobs, #/jobs/ID, #/devices/NAME, #/compliance, #/submit) so
// the node serves one index.html and needs no route of its own per page.
import { ApiError, api, session } from './api.js';
import { clear, errorBox, h } from './dom.js';
import { renderLogin } from './login.js';
import { renderJobs } from './jobs.js';
import { renderJob } from './job.js';
import { renderDevices, renderDevice } from './devices.js';
import { renderSubmit } from './submit.js';
import { renderSchedules } from './schedules.js';
import { renderCompliance } from './compliance.js';
import { renderDrift } from './configs.js';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
let leaveView = null;

const routes = [
  [/^\/jobs\/([^/]+)$/, renderJob],
  [/^\/jobs$/, renderJobs],
  [/^\/devices\/([^/]+)$/, renderDevice],
  [/^\/devices$/, renderDevices],
  [/^\/submit$/, renderSubmit],
  [/^\/schedules$/, renderSchedules],
  [/^\/compliance$/, renderCompliance],
  [/^\/drift$/, renderDrift],
];

/** Shows a message above the page until the next navigation (kind: error or info). */
export function showNotice(message, kind = 'error') {
  notice.textContent = message;
  notice.className = `notice ${kind}`;
  notice.hidden = false;
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function renderHeader() {
  const user = session.user;
  document.getElementById('nav').hidden = !user;
  document.getElementById('who').hidden = !user;
  document.getElementById('who-name').textContent = user?.name ?? '';
  document.getElementById('who-role').textContent = user?.role ?? '';
  for (const link of document.querySelectorAll('[data-operator-only]')) link.hidden = !session.isOperator;
}

function parseHash() {
  const raw = decodeURIComponent(location.hash.replace(/^#/, '')) || '/jobs';
  const [path, search = ''] = raw.split('?');
  return { path, params: new URLSearchParams(search) };
}

/** The session's token stopped working (revoked, or a node with other tokens): back to the log-in page. */
export function sessionExpired(message) {
  session.end();
  renderHeader();
  navigate('#/login');
  showNotice(message);
}

async function route() {
  leaveView?.();
  leaveView = null;
  notice.hidden = true;
  const { path, params } = parseHash();
  renderHeader();
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', path.startsWith(`/${link.dataset.nav}`));
  }
  if (!session.token || path === '/login') {
    if (session.token) { navigate('#/jobs'); return; }
    leaveView = renderLogin(clear(view), { next: path === '/login' ? '/jobs' : path, onLogin: () => { renderHeader(); } });
    return;
  }

  const match = routes.map(([pattern, render]) => [pattern.exec(path), render]).find(([m]) => m);
  if (!match) {
    clear(view).append(h('h1', {}, 'Not found'), h('p', {}, `No page ${path}. `, h('a', { href: '#/jobs' }, 'Back to the jobs.')));
    return;
  }
  const controller = new AbortController();
  leaveView = () => controller.abort();
  const [groups, render] = match;
  try {
    await render(clear(view), { args: groups.slice(1), params, signal: controller.signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (e instanceof ApiError && e.status === 401) {
      sessionExpired('The node no longer accepts this token; log in again.');
      return;
    }
    view.append(errorBox(e, e instanceof ApiError && e.status === 403 ? 'Not allowed' : 'Could not load this page'));
  }
}

document.getElementById('logout').addEventListener('click', () => {
  session.end();
  navigate('#/login');
});
window.addEventListener('hashchange', route);

// A stored session is checked once on load: the token may have been revoked since.
if (session.token) {
  try {
    session.start(session.token, await api('/api/whoami'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) session.end();
  }
}
route();
