// Small DOM helpers. Every value from the API goes in as text (textContent / attributes), never as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'value' || key === 'checked' || key === 'selected') element[key] = value;
    else element.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** An HTML element: h('a', { href: '#/jobs' }, 'Jobs'). */
export const h = (tag, props, ...children) => build(document.createElement(tag), props, children);

/** An SVG element, for the chart. */
export const s = (tag, props, ...children) => build(document.createElementNS(SVG_NS, tag), props, children);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTime.format(date);
}

export function formatClock(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : timeOnly.format(date);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A status badge: job statuses (running, succeeded, failed, halted, cancelled) and device statuses share colours. */
export const statusBadge = status => h('span', { class: `badge status-${status}`, dataset: { status } }, status);

/** A unified diff as lines coloured by their first character. */
export function diffView(text, props = {}) {
  const pre = h('pre', { class: 'diff', ...props });
  if (!text) {
    pre.append(h('span', { class: 'muted' }, 'no configuration change'));
    return pre;
  }
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const kind = line.startsWith('@@') ? 'hunk'
      : line.startsWith('+++') || line.startsWith('---') ? 'file'
      : line.startsWith('+') ? 'add'
      : line.startsWith('-') ? 'del'
      : 'ctx';
    pre.append(h('span', { class: `line ${kind}` }, line), '\n');
  }
  return pre;
}

/** An error box; validator diagnostics (file:line:col: error ...) get one line each with the place set apart. */
export function errorBox(error, title = 'Error') {
  const box = h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, title));
  const message = error?.message ?? String(error);
  const lines = message.split('\n').filter(l => l.trim() !== '');
  if (lines.length === 1 && !/^\S+:\d+:\d+:/.test(lines[0])) {
    box.append(h('p', {}, lines[0]));
    return box;
  }
  const list = h('pre', { class: 'diagnostics' });
  for (const line of lines) {
    const place = /^(\S+?:\d+:\d+):\s*(.*)$/.exec(line);
    list.append(place
      ? h('span', { class: 'diagnostic' }, h('span', { class: 'place' }, place[1]), ': ', place[2])
      : h('span', { class: 'diagnostic' }, line), '\n');
  }
  box.append(list);
  return box;
}

export const clear = element => { element.replaceChildren(); return element; };
