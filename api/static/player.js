/**
 * <narration-player>: the embeddable player for one narrated episode.
 *
 * Plain ES module, no dependencies, no build step. Contract (shared with the server
 * pages and the browser tests; change them together):
 *
 * Attributes
 *   src         URL of the episode JSON (GET /v1/episodes/ID, CORS *). Every URL in the JSON
 *               is resolved against the JSON's own URL. Changing `src` reloads the player.
 *               status "queued"/"running": "This episode is being narrated." (role=status),
 *               fetched again every 10 s; "failed", 404 or a network error:
 *               "This episode is not available." (role=alert).
 *   theme       "light" | "dark" | "auto" (default: follows prefers-color-scheme).
 *   transcript  "open": the transcript starts expanded (default: collapsed).
 *   accent      "#rrggbb": the brand colour (play button, progress, highlights); set on
 *               the element as --narration-accent (CSSOM, so no inline style is needed).
 *   chapters    "open": the chapter list starts expanded (default: collapsed, so the
 *               player keeps the fixed height of its iframe until a listener opens more).
 *
 * Light DOM     One <audio> carries the sound: a child <audio> is reused (its `controls`
 *               removed), else one is created and appended to the element. Everything else
 *               in the light DOM is no-JS fallback: the shadow root has no slot, so it is not
 *               rendered once the element is upgraded.
 * Shadow DOM    Open. Styles come from player.css beside this module (no inline styles, so
 *               it works under `style-src 'self'`). Accessible names: "Play"/"Pause",
 *               "Back 15 seconds", "Forward 30 seconds", "Playback speed" (select),
 *               "Seek" (slider), "Transcript" (toggle button and region), "Chapters" (toggle
 *               button), one button per
 *               chapter named by its title (aria-current="true" on the current one),
 *               "Start over". Transcript sentences are span.cue[data-start]; the current one
 *               has aria-current="true" and class "current".
 * Keys          Space/k play-pause, j back 15 s, l forward 30 s; on the slider Arrow keys 5 s,
 *               PageUp/PageDown 30 s, Home/End.
 * Storage       localStorage "narration:rate" and "narration:pos:<id>" (best effort).
 * Figures       Nothing is sent until the listener presses play; then, by
 *               navigator.sendBeacon to POST /v1/events on this module's origin (a JSON
 *               text body): "play", then "25", "50", "75", "95" as each share of the
 *               episode is reached, each once per episode load, with the speed, "embed"
 *               (our iframe, or the element on another site) or "page", and the host
 *               page's origin. No cookie, no identifier.
 * Messages      In a document whose <html> has data-narration-embed, posts
 *               {type: "narration:resize", height} (the body's height) to the parent
 *               whenever <body> resizes.
 *               In any document, resizes the <iframe> that posts that message from this
 *               module's origin (height clamped to 80..2000 px).
 * Styling       Custom properties on the element: --narration-bg, -fg, -muted, -accent,
 *               -wave, -wave-played, -focus, -border, -font, -radius.
 */

const CSS_HREF = new URL('player.css', import.meta.url).href;
const OWN_ORIGIN = new URL(import.meta.url).origin;
const SVG_NS = 'http://www.w3.org/2000/svg';
const RATES = ['0.75', '1', '1.25', '1.5', '2'];
const BACK_S = 15;
const FORWARD_S = 30;
const ARROW_S = 5;
const PAGE_S = 30;
const POLL_MS = 10000;
const SAVE_MS = 5000;
const USER_SCROLL_MS = 4000;
const BAR_CSS_PX = 3; // one waveform bar (2 px + 1 px gap) per 3 CSS pixels
const RATE_KEY = 'narration:rate';
const POS_KEY = 'narration:pos:';
const MSG_NARRATING = 'This episode is being narrated.';
const MSG_UNAVAILABLE = 'This episode is not available.';
const MSG_AUDIO_ERROR = 'The audio could not be loaded.';

const players = new Set();
const EVENTS_URL = new URL('/v1/events', import.meta.url).href;
const MILESTONES = [25, 50, 75, 95];

/** The listening events of one player: silent until the first play. */
class Figures {
  constructor() { this.reset(null); }

  reset(id) {
    this.id = id;
    this.played = false;
    this.sent = new Set();
  }

  onPlay(rate) {
    if (this.played || !this.id) return;
    this.played = true;
    this.send('play', rate);
  }

  progress(current, duration, rate) {
    if (!this.played || !(duration > 0)) return;
    const share = (current / duration) * 100;
    for (const m of MILESTONES) {
      if (share >= m && !this.sent.has(m)) {
        this.sent.add(m);
        this.send(String(m), rate);
      }
    }
  }

  send(event, rate) {
    const embedded = document.documentElement.hasAttribute('data-narration-embed');
    const context = embedded || window.location.origin !== OWN_ORIGIN ? 'embed' : 'page';
    let origin = window.location.origin;
    if (embedded) {
      try { origin = window.location.ancestorOrigins?.[0] || new URL(document.referrer).origin; } catch { origin = ''; }
    }
    const body = JSON.stringify({ episode: this.id, event, rate: Number(rate) || 1, context, origin });
    try { navigator.sendBeacon?.(EVENTS_URL, body); } catch { /* figures are best effort */ }
  }
}

/* ------------------------------------------------------------------ helpers */

/** An element with attributes (never `style`) and text or element children. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value != null && value !== false) el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children); // strings become text nodes
  return el;
}

function svg(tag, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

const ARC = { fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' };
const ICONS = {
  play: () => [svg('path', { d: 'M8 5.5v13l10.5-6.5z' })],
  pause: () => [svg('path', { d: 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z' })],
  back: () => [svg('path', { d: 'M12 5a8 8 0 1 1-8 8', ...ARC }), svg('path', { d: 'M12 1.5v7L7.5 5z' }), label('15')],
  forward: () => [svg('path', { d: 'M12 5a8 8 0 1 0 8 8', ...ARC }), svg('path', { d: 'M12 1.5v7l4.5-3.5z' }), label('30')],
  chevron: () => [svg('path', { d: 'M6 9.5l6 6 6-6', ...ARC })],
};

function label(text) {
  const t = svg('text', { x: 12, y: 16, 'text-anchor': 'middle', class: 'icon-text' });
  t.textContent = text;
  return t;
}

function icon(name) {
  const el = svg('svg', { viewBox: '0 0 24 24', width: 24, height: 24, class: 'icon', 'aria-hidden': 'true', focusable: 'false' });
  el.append(...ICONS[name]());
  return el;
}

/** localStorage that never throws (it may be blocked in third-party iframes). */
const store = {
  get(key) {
    try { return window.localStorage.getItem(key); } catch { return null; }
  },
  set(key, value) {
    try { window.localStorage.setItem(key, value); } catch { /* blocked or full */ }
  },
  remove(key) {
    try { window.localStorage.removeItem(key); } catch { /* blocked */ }
  },
};

/** "1:05", "12:00", "1:02:03" (hours when `long` or needed). */
function clock(seconds, long = false) {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh || long ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** "1 minute 5 seconds" for screen readers. */
function spoken(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const parts = [[Math.floor(s / 3600), 'hour'], [Math.floor((s % 3600) / 60), 'minute'], [s % 60, 'second']]
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' ') : '0 seconds';
}

/** Index of the last item whose start <= t, or -1. Items are sorted by start. */
function lastStarted(items, t) {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= t + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}

/* ------------------------------------------------------------------ parsers */

const TIMING = /^\s*(\d+(?::\d{2}){1,2}(?:[.,]\d+)?)\s+-->\s+(\d+(?::\d{2}){1,2}(?:[.,]\d+)?)/;
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f' };

function timestamp(text) {
  return text.replace(',', '.').split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[name.toLowerCase()] ?? match;
  });
}

/** WebVTT text -> [{start, end, text}] sorted by start. Cue ids optional, tags dropped. */
function parseVtt(text) {
  const cues = [];
  const blocks = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split(/\n(?:[ \t]*\n)+/);
  for (const block of blocks) {
    const lines = block.split('\n');
    const at = lines.findIndex((line) => line.includes('-->'));
    if (at < 0 || at > 1) continue; // header, NOTE, STYLE, REGION
    const m = TIMING.exec(lines[at]);
    if (!m) continue;
    const start = timestamp(m[1]);
    const end = timestamp(m[2]);
    const body = decodeEntities(lines.slice(at + 1).join(' ').replace(/<[^>]*>/g, ''));
    const words = body.replace(/\s+/g, ' ').trim();
    if (words && Number.isFinite(start)) cues.push({ start, end: Number.isFinite(end) ? end : start, text: words });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** Chapters from the episode JSON ({title, start_s}) or Podcasting 2.0 ({title, startTime}). */
function normaliseChapters(list) {
  if (!Array.isArray(list)) return [];
  return list
    .map((c) => ({ title: String(c?.title ?? '').trim(), start: Number(c?.start_s ?? c?.startTime) }))
    .filter((c) => c.title && Number.isFinite(c.start) && c.start >= 0)
    .sort((a, b) => a.start - b.start);
}

/**
 * audiowaveform JSON -> `count` bar heights in 0..1. A bar is the mean of its pixels' peaks
 * (levelled speech peaks near full scale everywhere, so the max would be a flat wall),
 * normalised to the loudest bar and curved a little for contrast.
 */
function peakBars(peaks, count) {
  const data = peaks?.data;
  if (!Array.isArray(data) || !data.length || count < 1) return null;
  const stride = 2 * Math.max(1, peaks.channels | 0 || 1);
  const length = Math.floor(data.length / stride);
  if (!length) return null;
  const bars = new Float32Array(count);
  let loudest = 0;
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * length) / count);
    const to = Math.min(length, Math.max(from + 1, Math.floor(((i + 1) * length) / count)));
    let sum = 0;
    for (let px = from; px < to; px++) {
      let peak = 0;
      for (let k = px * stride; k < (px + 1) * stride; k++) peak = Math.max(peak, Math.abs(data[k]) || 0);
      sum += peak;
    }
    bars[i] = sum / (to - from);
    loudest = Math.max(loudest, bars[i]);
  }
  if (loudest > 0) for (let i = 0; i < count; i++) bars[i] = (bars[i] / loudest) ** 1.5;
  return bars;
}

async function fetchJson(url, signal) {
  const res = await fetch(url, { signal });
  return res.ok ? res.json() : null;
}

/* ------------------------------------------------------------------ element */

class NarrationPlayer extends HTMLElement {
  static get observedAttributes() {
    return ['src', 'theme', 'transcript', 'chapters', 'accent'];
  }

  constructor() {
    super();
    this._ui = this._build(this.attachShadow({ mode: 'open' }));
    this._audio = null;
    this._episode = null;
    this._figures = new Figures();
    this._chapters = [];
    this._cues = [];
    this._cueEls = [];
    this._chapterEls = [];
    this._peaks = null;
    this._bars = null;
    this._rate = RATES.includes(store.get(RATE_KEY)) ? Number(store.get(RATE_KEY)) : 1;
    this._gen = 0;
    this._abort = null;
    this._pollTimer = 0;
    this._raf = 0;
    this._loadedSrc = undefined;
    this._pendingSeek = null;
    this._resumeDone = false;
    this._lastSave = 0;
    this._curChapter = -1;
    this._curCue = -1;
    this._drawnPx = -1;
    this._dpr = 1;
    this._autoTop = 0;
    this._userScrollAt = -Infinity;
    this._dragging = false;
    this._dark = window.matchMedia?.('(prefers-color-scheme: dark)');
    this._tick = this._tick.bind(this);
    this._redraw = () => this._draw();
    this._onPageHide = () => this._savePosition(true);
    this._onKey = this._onKey.bind(this);
    this._resizeObserver = new ResizeObserver(() => this._resizeCanvas());
    this.addEventListener('keydown', this._onKey);
  }

  connectedCallback() {
    if (document.readyState === 'loading') {
      // Parsed before its children (an async script): wait for the light-DOM <audio>.
      document.addEventListener('DOMContentLoaded', () => this.isConnected && this.connectedCallback(), { once: true });
      return;
    }
    if (players.has(this)) return;
    players.add(this);
    this._adoptAudio();
    window.addEventListener('pagehide', this._onPageHide);
    this._dark?.addEventListener('change', this._redraw);
    this._resizeObserver.observe(this._ui.wave);
    this._setTranscriptOpen(this.getAttribute('transcript') === 'open');
    this._setChaptersOpen(this.getAttribute('chapters') === 'open');
    this._setAccent(this.getAttribute('accent'));
    if (this.getAttribute('src') !== this._loadedSrc) this._load();
    else if (this._audio && !this._audio.paused) this._startTicking();
  }

  disconnectedCallback() {
    players.delete(this);
    this._savePosition(true);
    window.removeEventListener('pagehide', this._onPageHide);
    this._dark?.removeEventListener('change', this._redraw);
    this._resizeObserver.disconnect();
    cancelAnimationFrame(this._raf);
    if (this._pollTimer) {
      clearTimeout(this._pollTimer);
      this._pollTimer = 0;
      this._loadedSrc = undefined; // poll again when reconnected
    }
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value) return;
    if (name === 'src' && players.has(this) && value !== this._loadedSrc) this._load();
    if (name === 'transcript') this._setTranscriptOpen(value === 'open');
    if (name === 'chapters') this._setChaptersOpen(value === 'open');
    if (name === 'theme') this._draw();
    if (name === 'accent') this._setAccent(value);
  }

  /* ---------------------------------------------------------- shadow DOM */

  _build(root) {
    const link = h('link', { rel: 'stylesheet', href: CSS_HREF });
    // A named region: a landmark for screen-reader users on the publisher's page.
    const wrap = h('div', { class: 'player', role: 'region', 'aria-label': 'Audio player' });
    wrap.style.visibility = 'hidden'; // until player.css has loaded (CSSOM, allowed by CSP)
    const show = () => { wrap.style.visibility = ''; this._resizeCanvas(); };
    link.addEventListener('load', show, { once: true });
    link.addEventListener('error', show, { once: true });

    const ui = {
      art: h('img', { class: 'art', alt: '', hidden: true }),
      title: h('p', { class: 'title' }),
      sub: h('p', { class: 'sub' }),
      status: h('p', { class: 'status', hidden: true }),
      body: h('div', { class: 'body', hidden: true }),
      wave: h('div', { class: 'wave', role: 'slider', tabindex: 0, 'aria-label': 'Seek', 'aria-valuemin': 0, 'aria-valuemax': 0, 'aria-valuenow': 0, 'aria-valuetext': '0 seconds' }),
      canvas: h('canvas', { 'aria-hidden': 'true' }),
      marks: h('div', { class: 'marks', 'aria-hidden': 'true' }),
      elapsed: h('span', { class: 'elapsed' }, '0:00'),
      remaining: h('span', { class: 'remaining' }, '\u22120:00'),
      play: h('button', { type: 'button', class: 'icon-btn play', 'aria-label': 'Play' }, icon('play')),
      back: h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Back 15 seconds' }, icon('back')),
      forward: h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Forward 30 seconds' }, icon('forward')),
      speed: h('select', { id: 'speed' }, ...RATES.map((r) => h('option', { value: r }, `${r}\u00d7`))),
      toggle: h('button', { type: 'button', class: 'pill', 'aria-expanded': 'false', 'aria-controls': 'transcript' }, 'Transcript', icon('chevron')),
      chaptersToggle: h('button', { type: 'button', class: 'pill', 'aria-expanded': 'false', 'aria-controls': 'chapters', hidden: true }, 'Chapters', icon('chevron')),
      resume: h('div', { class: 'resume', role: 'status', hidden: true }),
      resumeText: h('span'),
      startOver: h('button', { type: 'button', class: 'link' }, 'Start over'),
      chapters: h('div', { class: 'chapters', id: 'chapters', hidden: true }),
      chapterList: h('ol', { class: 'chapter-list', 'aria-labelledby': 'chapters-label' }),
      panel: h('div', { class: 'transcript', id: 'transcript', role: 'region', 'aria-label': 'Transcript', tabindex: 0, hidden: true }),
    };
    ui.speed.value = '1';
    ui.wave.append(ui.canvas, ui.marks);
    ui.resume.append(ui.resumeText, ui.startOver);
    ui.chapters.append(h('p', { class: 'section-label', id: 'chapters-label' }, 'Chapters'), ui.chapterList);
    ui.body.append(
      ui.wave,
      h('div', { class: 'times' }, ui.elapsed, ui.remaining),
      h('div', { class: 'controls' },
        h('div', { class: 'transport' }, ui.back, ui.play, ui.forward),
        h('div', { class: 'speed' }, h('label', { for: 'speed', class: 'sr-only' }, 'Playback speed'), ui.speed),
        h('div', { class: 'tools' }, ui.chaptersToggle, ui.toggle)),
      ui.resume,
      ui.chapters,
      ui.panel,
    );
    ui.art.addEventListener('error', () => { ui.art.hidden = true; });
    wrap.append(h('div', { class: 'head' }, ui.art, h('div', { class: 'meta' }, ui.title, ui.sub)), ui.status, ui.body);
    root.append(link, wrap);
    this._wireControls(ui);
    ui.wrap = wrap;
    return ui;
  }

  _wireControls(ui) {
    ui.play.addEventListener('click', () => this._togglePlay());
    ui.back.addEventListener('click', () => this._skip(-BACK_S));
    ui.forward.addEventListener('click', () => this._skip(FORWARD_S));
    ui.speed.addEventListener('change', () => this._setRate(Number(ui.speed.value)));
    ui.toggle.addEventListener('click', () => this._setTranscriptOpen(ui.toggle.getAttribute('aria-expanded') !== 'true'));
    ui.chaptersToggle.addEventListener('click', () => this._setChaptersOpen(ui.chaptersToggle.getAttribute('aria-expanded') !== 'true'));
    ui.startOver.addEventListener('click', () => {
      if (this._episode) store.remove(POS_KEY + this._episode.id);
      this._seek(0);
    });
    ui.panel.addEventListener('click', (e) => {
      const cue = e.target.closest?.('.cue');
      if (cue) this._seek(Number(cue.dataset.start));
    });
    ui.panel.addEventListener('scroll', () => {
      if (Math.abs(ui.panel.scrollTop - this._autoTop) > 1) this._userScrollAt = performance.now();
    }, { passive: true });
    ui.wave.addEventListener('keydown', (e) => this._onSliderKey(e));
    ui.wave.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this._dragging = true;
      ui.wave.setPointerCapture(e.pointerId);
      this._seekToPointer(e);
    });
    ui.wave.addEventListener('pointermove', (e) => { if (this._dragging) this._seekToPointer(e); });
    const stop = () => { this._dragging = false; };
    ui.wave.addEventListener('pointerup', stop);
    ui.wave.addEventListener('pointercancel', stop);
  }

  /* ---------------------------------------------------------- audio */

  _adoptAudio() {
    if (this._audio) return;
    let audio = this.querySelector(':scope > audio') || this.querySelector('audio');
    if (!audio) {
      audio = document.createElement('audio');
      this.append(audio);
    }
    audio.removeAttribute('controls');
    // A page that asks for no audio before play (<audio preload="none">) gets none.
    if (audio.getAttribute('preload') !== 'none') audio.preload = 'metadata';
    audio.defaultPlaybackRate = this._rate;
    audio.playbackRate = this._rate;
    this._ui.speed.value = String(this._rate);
    this._audio = audio;

    const on = (type, fn) => audio.addEventListener(type, fn);
    on('play', () => this._onPlay());
    on('pause', () => { this._updatePlayButton(); this._savePosition(true); this._sync(true); });
    on('ended', () => { if (this._episode) store.remove(POS_KEY + this._episode.id); this._ui.resume.hidden = true; });
    on('timeupdate', () => { this._figures.progress(audio.currentTime, audio.duration, audio.playbackRate); this._sync(); this._positionState(); if (!audio.paused) this._savePosition(false); });
    on('seeking', () => this._sync(true));
    on('seeked', () => { this._sync(true); this._positionState(); });
    on('ratechange', () => this._onRateChange());
    on('loadedmetadata', () => this._onMetadata());
    on('durationchange', () => { this._renderMarks(); this._sync(true); });
    on('error', () => { if (this._episode) this._setStatus(MSG_AUDIO_ERROR, 'alert'); });
    this._updatePlayButton();
    if (!audio.paused) this._startTicking();
  }

  _setAudioSource(url) {
    const audio = this._audio;
    this._resumeDone = false;
    this._pendingSeek = null;
    if (url && audio.src !== url && audio.currentSrc !== url) {
      audio.src = url;
      audio.defaultPlaybackRate = this._rate;
      audio.playbackRate = this._rate;
    } else if (audio.readyState >= 1) {
      this._onMetadata(); // metadata came before the episode JSON (server-rendered <audio>)
    }
  }

  _onMetadata() {
    const audio = this._audio;
    audio.playbackRate = this._rate;
    if (this._pendingSeek != null) {
      audio.currentTime = this._pendingSeek;
      this._pendingSeek = null;
      this._resumeDone = true;
    } else if (!this._resumeDone && this._episode) {
      this._resumeDone = true;
      this._maybeResume();
    }
    this._renderMarks();
    this._sync(true);
  }

  _maybeResume() {
    const audio = this._audio;
    const saved = Number(store.get(POS_KEY + this._episode.id));
    const duration = this._duration();
    if (!audio.paused || audio.currentTime > 1 || !(saved > 5 && saved < duration - 10)) return;
    audio.currentTime = saved;
    this._ui.resumeText.textContent = `Resuming at ${clock(saved, duration >= 3600)}`;
    this._ui.resume.hidden = false;
  }

  _savePosition(force) {
    const audio = this._audio;
    if (!audio || !this._episode || audio.ended || !(audio.currentTime > 0)) return;
    const now = Date.now();
    if (!force && now - this._lastSave < SAVE_MS) return;
    this._lastSave = now;
    store.set(POS_KEY + this._episode.id, audio.currentTime.toFixed(1));
  }

  _onPlay() {
    this._figures.onPlay(this._audio.playbackRate);
    for (const other of players) if (other !== this && other._audio && !other._audio.paused) other._audio.pause();
    this._updatePlayButton();
    this._mediaSession();
    this._startTicking();
  }

  _togglePlay() {
    const audio = this._audio;
    if (!audio) return;
    if (audio.paused || audio.ended) audio.play()?.catch(() => { /* autoplay policy or no source */ });
    else audio.pause();
  }

  _updatePlayButton() {
    const playing = this._audio && !this._audio.paused;
    const name = playing ? 'Pause' : 'Play';
    if (this._ui.play.getAttribute('aria-label') === name && this._ui.play.firstChild) return;
    this._ui.play.setAttribute('aria-label', name);
    this._ui.play.replaceChildren(icon(playing ? 'pause' : 'play'));
  }

  _setRate(rate) {
    if (!(rate > 0)) return;
    this._rate = rate;
    store.set(RATE_KEY, String(rate));
    if (!this._audio) return;
    this._audio.defaultPlaybackRate = rate;
    this._audio.playbackRate = rate;
  }

  _onRateChange() {
    const rate = String(this._audio.playbackRate);
    if (RATES.includes(rate)) this._ui.speed.value = rate;
    this._positionState();
  }

  _duration() {
    const d = this._audio?.duration;
    return Number.isFinite(d) && d > 0 ? d : this._episode?.duration || 0;
  }

  _time() {
    return this._pendingSeek ?? this._audio?.currentTime ?? 0;
  }

  /** Seek (user intent). Before metadata the position is kept and applied on loadedmetadata. */
  _seek(t) {
    const duration = this._duration();
    const target = Math.max(0, duration ? Math.min(t, duration) : t);
    if (!Number.isFinite(target) || !this._audio) return;
    if (this._audio.readyState < 1) this._pendingSeek = target;
    else this._audio.currentTime = target;
    this._ui.resume.hidden = true;
    this._sync(true);
  }

  _skip(delta) {
    this._seek(this._time() + delta);
  }

  _chapterSkip(direction) {
    const t = this._time();
    const i = lastStarted(this._chapters, t);
    if (direction > 0) {
      if (i + 1 < this._chapters.length) this._seek(this._chapters[i + 1].start);
    } else if (i < 0) {
      this._seek(0);
    } else {
      const start = this._chapters[i].start;
      this._seek(t - start > 3 || i === 0 ? start : this._chapters[i - 1].start);
    }
  }

  /* ---------------------------------------------------------- loading */

  async _load() {
    const gen = ++this._gen;
    clearTimeout(this._pollTimer);
    this._pollTimer = 0;
    this._abort?.abort();
    const { signal } = (this._abort = new AbortController());
    const src = this.getAttribute('src');
    this._loadedSrc = src;
    let url;
    try { url = new URL(src ?? '', document.baseURI); } catch { url = null; }
    if (!src || !url) return this._showUnavailable(null);

    let json = null;
    let base = url.href;
    try {
      const res = await fetch(url, { signal });
      base = res.url || base;
      if (res.ok) json = await res.json();
    } catch (err) {
      if (err?.name === 'AbortError') return undefined;
    }
    if (gen !== this._gen) return undefined;
    const status = json?.status;
    if (status === 'queued' || status === 'running') {
      this._showHeader(json, base);
      this._setStatus(MSG_NARRATING, 'status');
      this._ui.body.hidden = true;
      this._pollTimer = setTimeout(() => this._load(), POLL_MS);
      return undefined;
    }
    if (!json || status === 'failed' || !json.audio_url) return this._showUnavailable(json, base);
    return this._showEpisode(json, base, gen, signal);
  }

  _showUnavailable(json, base) {
    this._showHeader(json, base);
    this._setStatus(MSG_UNAVAILABLE, 'alert');
    this._ui.body.hidden = true;
  }

  _setStatus(text, role) {
    const el = this._ui.status;
    el.hidden = !text;
    if (role) el.setAttribute('role', role);
    el.textContent = text || '';
  }

  _showHeader(json, base) {
    const ui = this._ui;
    const image = json?.image_url ? new URL(json.image_url, base).href : null;
    ui.title.textContent = json?.title || '';
    if (json?.title) this._ui.wrap.setAttribute('aria-label', `Listen: ${json.title}`);
    ui.sub.textContent = [json?.show_title, json?.author].filter(Boolean).join(' \u00b7 ');
    ui.art.hidden = !image;
    if (image && ui.art.src !== image) ui.art.src = image;
  }

  async _showEpisode(json, base, gen, signal) {
    const abs = (u) => { try { return u ? new URL(u, base).href : null; } catch { return null; } };
    this._episode = {
      id: String(json.id ?? base),
      title: String(json.title ?? ''),
      author: json.author || '',
      showTitle: json.show_title || '',
      duration: Number(json.duration_s) || 0,
      image: abs(json.image_url),
    };
    if (this._figures.id !== this._episode.id) this._figures.reset(this._episode.id);
    this._showHeader(json, base);
    this._setStatus('', null);
    this._ui.body.hidden = false;
    this._ui.resume.hidden = true;
    this._peaks = null;
    this._bars = null;
    this._setChapters([]);
    this._setCues([]);
    this._setAudioSource(abs(json.audio_url));
    this._ui.toggle.hidden = !json.transcript_url;
    if (!json.transcript_url) this._ui.panel.hidden = true;
    this._sync(true);
    this._draw();

    const peaksUrl = abs(json.peaks_url);
    const peaks = peaksUrl ? fetchJson(peaksUrl, signal).catch(() => null) : Promise.resolve(null);
    peaks.then((p) => {
      if (gen !== this._gen || !p) return;
      this._peaks = p;
      this._resizeCanvas();
    });

    let chapters = normaliseChapters(json.chapters);
    if (!chapters.length && json.chapters_url) {
      const doc = await fetchJson(abs(json.chapters_url), signal).catch(() => null);
      chapters = normaliseChapters(doc?.chapters);
    }
    if (gen !== this._gen) return;
    this._setChapters(chapters);

    const transcriptUrl = abs(json.transcript_url);
    if (!transcriptUrl) return;
    let cues = null;
    try {
      const res = await fetch(transcriptUrl, { signal });
      if (res.ok) cues = parseVtt(await res.text());
    } catch { /* aborted or offline */ }
    if (gen !== this._gen) return;
    if (cues) this._setCues(cues);
    else this._ui.panel.replaceChildren(h('p', { class: 'note' }, 'The transcript could not be loaded.'));
  }

  /* ---------------------------------------------------------- chapters and transcript */

  _setChapters(chapters) {
    this._chapters = chapters;
    this._curChapter = -1;
    const long = this._duration() >= 3600;
    this._chapterEls = chapters.map((c) => {
      const button = h('button', { type: 'button', class: 'chapter' },
        h('span', { class: 'chapter-title' }, c.title),
        h('span', { class: 'chapter-time', 'aria-hidden': 'true' }, clock(c.start, long)));
      button.addEventListener('click', () => this._seek(c.start));
      return button;
    });
    this._ui.chapterList.replaceChildren(...this._chapterEls.map((b) => h('li', {}, b)));
    this._ui.chaptersToggle.hidden = !chapters.length;
    this._ui.chapters.hidden = !chapters.length || !this._chaptersOpen;
    this._renderMarks();
    this._sync(true);
  }

  _renderMarks() {
    const duration = this._duration();
    const marks = duration
      ? this._chapters.filter((c) => c.start > 0 && c.start < duration).map((c) => {
        const mark = h('span', { class: 'mark' });
        mark.style.left = `${(c.start / duration) * 100}%`;
        return mark;
      })
      : [];
    this._ui.marks.replaceChildren(...marks);
  }

  /** One span.cue per sentence, in paragraphs under the heading of the chapter they fall in. */
  _setCues(cues) {
    this._cues = cues;
    this._curCue = -1;
    this._cueEls = cues.map((cue) => h('span', { class: 'cue', 'data-start': String(cue.start) }, cue.text));
    const groups = [{ title: null, els: [] }, ...this._chapters.map((c) => ({ title: c.title, els: [] }))];
    cues.forEach((cue, i) => groups[lastStarted(this._chapters, cue.start) + 1].els.push(this._cueEls[i]));
    const same = (a, b) => a.replace(/[\s.]+/g, ' ').trim() === b.replace(/[\s.]+/g, ' ').trim();
    const nodes = [];
    for (const group of groups) {
      const els = [...group.els];
      if (group.title) {
        // A section heading is read aloud as the chapter's first sentence: that cue is the
        // heading itself (highlighted while it is read), not a repeat of it.
        const first = els[0] && same(els[0].textContent, group.title) ? els.shift() : null;
        nodes.push(h('h2', { class: 'tr-heading' }, first || group.title));
      }
      if (!els.length) continue;
      const para = h('p', { class: 'tr-para' });
      els.forEach((el, i) => { if (i) para.append(' '); para.append(el); });
      nodes.push(para);
    }
    if (this._chapters.length && !cues.length) nodes.length = 0;
    this._ui.panel.replaceChildren(...nodes);
    this._autoTop = this._ui.panel.scrollTop;
    this._sync(true);
  }

  /** A brand colour for the play button, progress and highlights: "#rrggbb" only. */
  _setAccent(value) {
    for (const name of ['--narration-accent', '--narration-wave-played']) {
      if (value && /^#[0-9a-fA-F]{6}$/.test(value)) this.style.setProperty(name, value);
      else this.style.removeProperty(name);
    }
    this._draw();
  }

  _setChaptersOpen(open) {
    this._chaptersOpen = open;
    this._ui.chaptersToggle.setAttribute('aria-expanded', String(open));
    this._ui.chapters.hidden = !open || !this._chapters?.length;
  }

  _setTranscriptOpen(open) {
    const { toggle, panel } = this._ui;
    toggle.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
    if (open) this._scrollToCue(this._cueEls[this._curCue], true);
  }

  _updateChapter(t) {
    const i = lastStarted(this._chapters, t);
    if (i === this._curChapter) return;
    this._chapterEls[this._curChapter]?.removeAttribute('aria-current');
    this._chapterEls[i]?.setAttribute('aria-current', 'true');
    this._curChapter = i;
  }

  _updateCue(t) {
    const i = lastStarted(this._cues, t);
    if (i === this._curCue) return;
    const old = this._cueEls[this._curCue];
    old?.removeAttribute('aria-current');
    old?.classList.remove('current');
    const el = this._cueEls[i];
    el?.setAttribute('aria-current', 'true');
    el?.classList.add('current');
    this._curCue = i;
    this._scrollToCue(el, false);
  }

  /** Keep the sentence visible by scrolling the panel only (never the host page). */
  _scrollToCue(el, force) {
    const panel = this._ui.panel;
    if (!el || panel.hidden) return;
    if (!force && performance.now() - this._userScrollAt < USER_SCROLL_MS) return;
    const top = el.getBoundingClientRect().top - panel.getBoundingClientRect().top - panel.clientTop + panel.scrollTop;
    const bottom = top + el.getBoundingClientRect().height;
    const margin = 8;
    if (top >= panel.scrollTop + margin && bottom <= panel.scrollTop + panel.clientHeight - margin) return;
    panel.scrollTop = Math.max(0, top - panel.clientHeight / 3);
    this._autoTop = panel.scrollTop;
  }

  /* ---------------------------------------------------------- time display */

  _startTicking() {
    cancelAnimationFrame(this._raf);
    this._raf = requestAnimationFrame(this._tick);
  }

  _tick() {
    this._sync();
    if (this._audio && !this._audio.paused) this._raf = requestAnimationFrame(this._tick);
  }

  /** Bring the time labels, slider, waveform, chapter and sentence up to the current time. */
  _sync(force = false) {
    const t = this._time();
    const duration = this._duration();
    const long = duration >= 3600;
    const ui = this._ui;
    const elapsed = clock(t, long);
    const remaining = `\u2212${clock(Math.max(0, duration - t), long)}`;
    if (force || ui.elapsed.textContent !== elapsed || ui.remaining.textContent !== remaining) {
      ui.elapsed.textContent = elapsed;
      ui.remaining.textContent = remaining;
      const max = Math.round(duration);
      ui.wave.setAttribute('aria-valuemax', String(max));
      ui.wave.setAttribute('aria-valuenow', String(Math.min(max, Math.floor(t))));
      ui.wave.setAttribute('aria-valuetext', `${spoken(t)} of ${spoken(duration)}`);
    }
    this._updateChapter(t);
    this._updateCue(t);
    const px = duration ? Math.round(Math.min(1, t / duration) * this._ui.canvas.width) : 0;
    if (force || px !== this._drawnPx) this._draw();
  }

  /* ---------------------------------------------------------- waveform */

  _resizeCanvas() {
    const { wave, canvas } = this._ui;
    this._dpr = window.devicePixelRatio || 1;
    const width = Math.round(wave.clientWidth * this._dpr);
    const height = Math.round(wave.clientHeight * this._dpr);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    this._bars = this._peaks ? peakBars(this._peaks, Math.max(1, Math.floor(wave.clientWidth / BAR_CSS_PX))) : null;
    this._draw();
  }

  _draw() {
    const canvas = this._ui.canvas;
    const { width, height } = canvas;
    const ctx = width && height ? canvas.getContext('2d') : null;
    if (!ctx) return;
    const style = getComputedStyle(this);
    const waveColour = style.getPropertyValue('--narration-wave').trim() || '#9aa1ab';
    const playedColour = style.getPropertyValue('--narration-wave-played').trim() || '#0b57d0';
    const duration = this._duration();
    const px = duration ? Math.round(Math.min(1, this._time() / duration) * width) : 0;
    ctx.clearRect(0, 0, width, height);
    this._paintWave(ctx, waveColour);
    if (px > 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, px, height);
      ctx.clip();
      this._paintWave(ctx, playedColour);
      ctx.restore();
      ctx.fillStyle = playedColour;
      ctx.fillRect(Math.min(px, width - 2 * this._dpr), 0, Math.round(2 * this._dpr), height);
    }
    this._drawnPx = px;
  }

  _paintWave(ctx, colour) {
    const { width, height } = ctx.canvas;
    const dpr = this._dpr;
    ctx.fillStyle = colour;
    const bars = this._bars;
    if (!bars) {
      const bar = Math.round(4 * dpr);
      ctx.fillRect(0, Math.round((height - bar) / 2), width, bar);
      return;
    }
    const step = width / bars.length;
    const barWidth = Math.max(1, Math.round(step * (2 / 3)));
    const minHeight = Math.round(2 * dpr);
    const room = height - 2 * dpr;
    for (let i = 0; i < bars.length; i++) {
      const bar = Math.max(minHeight, Math.round(bars[i] * room));
      ctx.fillRect(Math.round(i * step), Math.round((height - bar) / 2), barWidth, bar);
    }
  }

  _seekToPointer(e) {
    const rect = this._ui.wave.getBoundingClientRect();
    if (!rect.width) return;
    const fraction = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
    this._seek(fraction * this._duration());
  }

  /* ---------------------------------------------------------- keyboard */

  _onSliderKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const t = this._time();
    const moves = {
      ArrowLeft: t - ARROW_S, ArrowDown: t - ARROW_S, ArrowRight: t + ARROW_S, ArrowUp: t + ARROW_S,
      PageDown: t - PAGE_S, PageUp: t + PAGE_S, Home: 0, End: this._duration(),
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    this._seek(moves[e.key]);
  }

  /** Space/k, j, l anywhere in the player (buttons keep their own Space, selects their keys). */
  _onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !this._episode) return;
    const target = e.composedPath()[0];
    const tag = target?.localName;
    if (tag === 'select' || tag === 'input' || tag === 'textarea' || target?.isContentEditable) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (key === ' ' && tag === 'button') return; // the button's own click handles it, once
    const actions = { ' ': () => this._togglePlay(), k: () => this._togglePlay(), j: () => this._skip(-BACK_S), l: () => this._skip(FORWARD_S) };
    if (!(key in actions)) return;
    e.preventDefault();
    if (!e.repeat || key === 'j' || key === 'l') actions[key]();
  }

  /* ---------------------------------------------------------- media session */

  _mediaSession() {
    if (!('mediaSession' in navigator) || !this._episode) return;
    const session = navigator.mediaSession;
    const ep = this._episode;
    try {
      session.metadata = new MediaMetadata({
        title: ep.title, artist: ep.author, album: ep.showTitle, artwork: ep.image ? [{ src: ep.image }] : [],
      });
    } catch { /* MediaMetadata unsupported */ }
    const handlers = {
      play: () => this._togglePlay(),
      pause: () => this._audio.pause(),
      seekbackward: (d) => this._skip(-(d?.seekOffset || BACK_S)),
      seekforward: (d) => this._skip(d?.seekOffset || FORWARD_S),
      seekto: (d) => this._seek(d.seekTime),
      previoustrack: () => this._chapterSkip(-1),
      nexttrack: () => this._chapterSkip(1),
    };
    for (const [action, handler] of Object.entries(handlers)) {
      try { session.setActionHandler(action, handler); } catch { /* action unsupported */ }
    }
    this._positionState();
  }

  _positionState() {
    const audio = this._audio;
    if (!('mediaSession' in navigator) || !navigator.mediaSession.setPositionState || !audio || audio.paused) return;
    const duration = audio.duration;
    if (!Number.isFinite(duration) || duration <= 0) return;
    try {
      navigator.mediaSession.setPositionState({
        duration, playbackRate: audio.playbackRate || 1, position: Math.min(duration, Math.max(0, audio.currentTime)),
      });
    } catch { /* invalid state */ }
  }
}

/* ------------------------------------------------------------------ page glue */

/** Inside our embed iframe: tell the parent page how tall the document is. */
function reportEmbedHeight() {
  if (!document.documentElement.hasAttribute('data-narration-embed') || window.parent === window) return;
  // The body's own height (not scrollHeight, which never drops below the frame's
  // viewport), so the frame also shrinks when the transcript closes.
  const post = () => window.parent.postMessage(
    { type: 'narration:resize', height: Math.ceil(document.body.getBoundingClientRect().height) }, '*');
  const observe = () => new ResizeObserver(post).observe(document.body);
  if (document.body) observe();
  else document.addEventListener('DOMContentLoaded', observe, { once: true });
}

/** On a page embedding our iframe: size it to what the iframe reports. */
function listenForEmbedHeights() {
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== OWN_ORIGIN || !data || data.type !== 'narration:resize') return;
    const height = Number(data.height);
    if (!Number.isFinite(height)) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === event.source) {
        frame.style.height = `${Math.min(2000, Math.max(80, Math.ceil(height)))}px`;
        break;
      }
    }
  });
}

if (!customElements.get('narration-player')) {
  customElements.define('narration-player', NarrationPlayer);
  listenForEmbedHeights();
  reportEmbedHeight();
}
