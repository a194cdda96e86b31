// The log-in page: a bearer token (from `netfleet token add`), checked with /api/whoami before it is kept.
import { ApiError, api, session } from './api.js';
import { errorBox, h } from './dom.js';

export function renderLogin(view, { next, onLogin }) {
  const token = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
    placeholder: 'paste an API token',
  });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit' }, 'Log in');
  const form = h('form', { class: 'card login', id: 'login-form' },
    h('h1', {}, 'Log in'),
    h('p', { class: 'muted' }, 'Use an API token: ', h('code', {}, 'netfleet token add NAME --role viewer|operator'),
      '. It is kept in this tab only (sessionStorage) and sent as a bearer token.'),
    h('label', { for: 'token' }, 'Token'), token, button, status);
  const controller = new AbortController();

  form.addEventListener('submit', async event => {
    event.preventDefault();
    status.replaceChildren();
    button.disabled = true;
    const value = token.value.trim();
    try {
      const user = await api('/api/whoami', { token: value, signal: controller.signal });
      session.start(value, user);
      onLogin();
      location.hash = `#${next}`;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.append(e instanceof ApiError && e.status === 401
        ? errorBox({ message: 'That token was refused: the node does not know it (mistyped, or revoked).' }, 'Log-in failed')
        : errorBox(e, 'Log-in failed'));
      token.select();
    } finally {
      button.disabled = false;
    }
  });
  view.append(form);
  token.focus();
  return () => controller.abort();
}
