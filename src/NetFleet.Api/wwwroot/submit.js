// The submit form (operators): a playbook from the node's playbooks folder, or one pasted in; a limit; check mode.
// A job accepted goes to its page; a refused one shows the node's reasons (the validator's file:line:col lines).
import { api, session } from './api.js';
import { errorBox, h } from './dom.js';

export async function renderSubmit(view, { signal }) {
  view.append(h('h1', {}, 'Submit a playbook'));
  if (!session.isOperator) {
    view.append(h('p', { class: 'notice info', id: 'operators-only' },
      `Submitting jobs needs an operator token; ${session.user?.name ?? 'this token'} is a ${session.user?.role ?? 'viewer'}.`));
    return;
  }
  const playbooks = await api('/api/playbooks', { signal });

  const fromNode = h('input', { type: 'radio', name: 'source', value: 'node', id: 'source-node', checked: playbooks.length > 0 });
  const pasted = h('input', { type: 'radio', name: 'source', value: 'text', id: 'source-text', checked: playbooks.length === 0 });
  const playbook = h('select', { id: 'playbook', name: 'playbook' },
    playbooks.map(p => h('option', { value: p.name, title: p.path }, p.name)));
  const text = h('textarea', { id: 'playbook-text', name: 'playbookText', rows: 14, spellcheck: 'false',
    placeholder: '- name: A play\n  hosts: all\n  tasks:\n    - command: show version' });
  const limit = h('input', { id: 'limit', name: 'limit', placeholder: 'e.g. lon,&ios or ios-*  (empty: every host the playbook names)' });
  const check = h('input', { type: 'checkbox', id: 'check', name: 'check' });
  const status = h('div', { class: 'form-status', id: 'submit-status' });
  const button = h('button', { type: 'submit', id: 'submit-job' }, 'Run');

  const sync = () => {
    playbook.disabled = !fromNode.checked;
    text.disabled = !pasted.checked;
  };
  fromNode.addEventListener('change', sync);
  pasted.addEventListener('change', sync);
  playbook.addEventListener('focus', () => { fromNode.checked = true; sync(); });
  sync();

  const form = h('form', { class: 'card submit', id: 'submit-form' },
    h('fieldset', {}, h('legend', {}, 'Playbook'),
      h('label', { class: 'choice' }, fromNode, ' From the node\'s playbooks folder '),
      playbooks.length === 0 ? h('p', { class: 'muted' }, 'The node\'s playbooks folder has no playbooks.') : playbook,
      h('label', { class: 'choice' }, pasted, ' Pasted here (YAML)'), text),
    h('label', { for: 'limit' }, 'Limit'), limit,
    h('label', { class: 'choice' }, check, ' Check mode: show what would change, change nothing'),
    button, status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    status.replaceChildren();
    const body = { limit: limit.value.trim() || null, check: check.checked };
    if (fromNode.checked) {
      if (!playbook.value) { status.append(errorBox({ message: 'Pick a playbook.' }, 'Cannot submit')); return; }
      body.playbook = playbook.value;
    } else {
      if (!text.value.trim()) { status.append(errorBox({ message: 'Paste a playbook first.' }, 'Cannot submit')); return; }
      body.playbookText = text.value;
    }
    button.disabled = true;
    status.append(h('span', { class: 'muted' }, 'Submitting…'));
    try {
      const accepted = await api('/api/jobs', { method: 'POST', body, signal });
      location.hash = `#/jobs/${encodeURIComponent(accepted.jobId)}`;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.replaceChildren(errorBox(e, e.status === 400 ? 'The node refused the job' : 'Could not submit'));
    } finally {
      button.disabled = false;
    }
  });
  view.append(form);
}
