// The job durations and outcomes chart: one dot per job (x = when it started, y = how long it ran, colour = how it
// ended; running jobs hollow, at their time so far). Hand-written SVG rather than a charting library: the dashboard
// loads nothing from a CDN and has no build step, and one scatter plot with two axes is a few dozen lines.
import { formatDuration, formatTime, h, s } from './dom.js';

const WIDTH = 860;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 20, bottom: 34, left: 64 };
const STATUSES = ['succeeded', 'failed', 'halted', 'cancelled', 'running'];
const MINUTE = 60_000;
const TIME_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 3 * 60 * MINUTE, 6 * 60 * MINUTE, 12 * 60 * MINUTE,
  24 * 60 * MINUTE, 2 * 24 * 60 * MINUTE, 7 * 24 * 60 * MINUTE];

export function durationChart(stats, now = Date.now()) {
  const jobs = stats.map(j => ({
    ...j,
    at: new Date(j.started).getTime(),
    seconds: j.durationSeconds ?? Math.max(0, (now - new Date(j.started).getTime()) / 1000),
    running: j.durationSeconds === null || j.durationSeconds === undefined,
  })).filter(j => Number.isFinite(j.at));
  if (jobs.length === 0) return h('p', { class: 'muted', id: 'chart-empty' }, 'No jobs in this period yet.');

  const first = Math.min(...jobs.map(j => j.at));
  const last = Math.max(...jobs.map(j => j.at));
  const pad = Math.max((last - first) * 0.04, MINUTE);
  const [x0, x1] = [first - pad, last + pad];
  const { max: yMax, divisions } = niceScale(Math.max(...jobs.map(j => j.seconds), 1));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = t => MARGIN.left + ((t - x0) / (x1 - x0)) * plotWidth;
  const y = v => MARGIN.top + plotHeight - (v / yMax) * plotHeight;

  const svg = s('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', id: 'duration-chart',
    'aria-label': `Durations and outcomes of ${jobs.length} jobs`,
  });

  for (let i = 0; i <= divisions; i++) {
    const value = (yMax / divisions) * i;
    svg.append(
      s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value), class: 'grid' }),
      s('text', { x: MARGIN.left - 8, y: y(value) + 4, 'text-anchor': 'end', class: 'tick' }, formatDuration(value) || '0'));
  }
  const step = TIME_STEPS.find(t => (x1 - x0) / t <= 6) ?? TIME_STEPS.at(-1);
  const sameDay = x1 - x0 < 24 * 60 * MINUTE;
  for (let t = Math.ceil(x0 / step) * step; t <= x1; t += step) {
    const date = new Date(t);
    svg.append(
      s('line', { x1: x(t), x2: x(t), y1: MARGIN.top + plotHeight, y2: MARGIN.top + plotHeight + 5, class: 'axis' }),
      s('text', { x: x(t), y: HEIGHT - 10, 'text-anchor': 'middle', class: 'tick' },
        sameDay ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString()));
  }
  svg.append(
    s('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotHeight, class: 'axis' }),
    s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: MARGIN.top + plotHeight, y2: MARGIN.top + plotHeight, class: 'axis' }));

  for (const job of jobs) {
    svg.append(s('a', { href: `#/jobs/${encodeURIComponent(job.jobId)}`, class: 'dot-link' },
      s('circle', {
        cx: x(job.at).toFixed(1), cy: y(job.seconds).toFixed(1), r: 5,
        class: `dot status-${job.status}${job.running ? ' running' : ''}`, dataset: { jobId: job.jobId, status: job.status },
      }, s('title', {}, `${job.jobId}: ${job.status}, ${formatDuration(job.seconds)}${job.running ? ' so far' : ''}, started ${formatTime(job.started)}`))));
  }

  const counts = STATUSES.map(status => [status, jobs.filter(j => j.status === status).length]).filter(([, n]) => n > 0);
  const legend = h('ul', { class: 'legend' }, counts.map(([status, n]) =>
    h('li', {}, h('span', { class: `swatch status-${status}` }), `${status} ${n}`)));
  return h('figure', { class: 'chart-figure' }, svg, h('figcaption', {}, legend));
}

/** The axis top: the smallest of 1, 2, 2.5, 5 × 10^n at or above the value, split so that every tick is round too. */
function niceScale(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const [mantissa, divisions] = [[1, 4], [2, 4], [2.5, 5], [5, 5], [10, 5]].find(([m]) => m * magnitude >= value);
  return { max: mantissa * magnitude, divisions };
}
