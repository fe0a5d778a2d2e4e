/**
 * The listening figures page. The page holds no figures: this script asks GET /v1/stats
 * with the API key the editor types (kept in sessionStorage, for this tab only) and
 * draws the answers as SVG: downloads per day (a line), per app (bars), the top
 * episodes, and the web player's plays and completion (how many reached 25/50/75/95 %).
 */

import { fetchWithKey, keyForm, keyStore } from './editor.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const keys = keyStore('narration:stats-key');
const form = document.getElementById('stats-form');
const status = document.getElementById('stats-status');
const results = document.getElementById('stats-results');

function el(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text != null) node.textContent = String(text);
  return node;
}

function chartSvg(figure, height, label) {
  const width = Math.max(280, Math.round(figure.clientWidth || 600));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  svg.append(el('title', {}, label));
  figure.replaceChildren(svg);
  return { svg, width };
}

function caption(figure, text) {
  const cap = document.createElement('figcaption');
  cap.textContent = text;
  figure.append(cap);
}

/** A line chart of [label, value] points. */
export function lineChart(figure, points, label) {
  const height = 200;
  const { svg, width } = chartSvg(figure, height, label);
  const left = 40;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const max = Math.max(1, ...points.map((p) => p[1]));
  const x = (i) => left + (points.length > 1 ? (i * (width - left - right)) / (points.length - 1) : (width - left - right) / 2);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  svg.append(el('line', { class: 'axis', x1: left, y1: y(0), x2: width - right, y2: y(0) }));
  svg.append(el('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end', class: 'muted' }, max));
  svg.append(el('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end', class: 'muted' }, 0));
  if (points.length) {
    svg.append(el('polyline', { class: 'line', points: points.map((p, i) => `${x(i)},${y(p[1])}`).join(' ') }));
    const few = points.length <= 8;
    points.forEach((p, i) => {
      const dot = el('circle', { class: 'dot', cx: x(i), cy: y(p[1]), r: 3.5 });
      dot.append(el('title', {}, `${p[0]}: ${p[1]}`));
      svg.append(dot);
      if (few) svg.append(el('text', { x: x(i), y: y(p[1]) - 8, 'text-anchor': 'middle' }, p[1]));
    });
    // Few points: each is named; many: the first and the last.
    const named = few ? points.map((_, i) => i) : [0, points.length - 1];
    for (const i of new Set(named)) {
      const anchor = points.length === 1 ? 'middle' : i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle';
      svg.append(el('text', { x: x(i), y: height - 8, 'text-anchor': anchor, class: 'muted' }, points[i][0]));
    }
  }
  return svg;
}

/** Horizontal bars of [label, value] rows. */
export function barChart(figure, rows, label) {
  const bar = 22;
  const gap = 8;
  const height = Math.max(1, rows.length) * (bar + gap) + gap;
  const { svg, width } = chartSvg(figure, height, label);
  const labelWidth = Math.min(160, Math.round(width * 0.38));
  const max = Math.max(1, ...rows.map((r) => r[1]));
  rows.forEach(([name, value], i) => {
    const top = gap + i * (bar + gap);
    const span = Math.max(2, ((width - labelWidth - 50) * value) / max);
    const text = name.length > 22 ? `${name.slice(0, 21)}…` : name;
    svg.append(el('text', { x: labelWidth - 8, y: top + bar / 2 + 4, 'text-anchor': 'end' }, text));
    const rect = el('rect', { class: 'bar', x: labelWidth, y: top, width: span, height: bar, rx: 3 });
    rect.append(el('title', {}, `${name}: ${value}`));
    svg.append(rect);
    svg.append(el('text', { x: labelWidth + span + 6, y: top + bar / 2 + 4 }, value));
  });
  return svg;
}

function ask(key, params) {
  return fetchWithKey(`/v1/stats?${new URLSearchParams(params)}`, key, {
    failed: (code) => `The figures could not be read (${code}).`,
  });
}

function filters() {
  const data = new FormData(form);
  const params = {};
  for (const name of ['show', 'from', 'to']) {
    const value = String(data.get(name) || '').trim();
    if (value) params[name] = value;
  }
  return params;
}

async function load(key) {
  status.textContent = 'Reading the figures…';
  const params = filters();
  try {
    const [days, apps, episodes] = await Promise.all(
      ['day', 'app', 'episode'].map(async (by) => (await ask(key, { ...params, by })).json()),
    );
    results.hidden = false;
    document.getElementById('stats-total').textContent = String(days.downloads);
    const dayFigure = document.getElementById('chart-days');
    lineChart(dayFigure, days.rows.map((r) => [r.key, r.downloads]), `Downloads per day: ${days.downloads} in all`);
    if (!days.rows.length) caption(dayFigure, 'No downloads in these days.');
    const appFigure = document.getElementById('chart-apps');
    barChart(appFigure, apps.rows.slice(0, 12).map((r) => [r.key, r.downloads]), 'Downloads per app');
    if (!apps.rows.length) caption(appFigure, 'No downloads yet.');
    const list = document.getElementById('top-episodes');
    list.replaceChildren(...episodes.rows.slice(0, 10).map((r) => {
      const item = document.createElement('li');
      item.textContent = `${r.title || r.key}: ${r.downloads}`;
      return item;
    }));
    const player = days.player;
    const rate = player.average_rate ? `, average speed ${player.average_rate}×` : '';
    document.getElementById('player-summary').textContent =
      `${player.plays} plays (${player.embed} embedded, ${player.page} on our pages)${rate}.`;
    const curve = [['play', player.plays], ...['25', '50', '75', '95'].map((m) => [`${m} %`, player.reached[m] || 0])];
    lineChart(document.getElementById('chart-completion'), curve, 'Listeners who reached each point of the episode');
    status.textContent = `Figures up to ${new Date().toLocaleTimeString()}.`;
  } catch (err) {
    results.hidden = true;
    status.textContent = err.message;
  }
}

async function downloadCsv(event) {
  event.preventDefault();
  const key = keys.get();
  if (!key) return;
  try {
    const res = await ask(key, { ...filters(), by: 'day', format: 'csv' });
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = 'downloads-by-day.csv';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) {
    status.textContent = err.message;
  }
}

document.getElementById('stats-csv').addEventListener('click', downloadCsv);
keyForm(form, keys, load);
