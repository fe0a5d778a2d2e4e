/**
 * The listening check page. The page holds no data: this script asks
 * GET /v1/episodes/{id}/check with the API key the editor types (kept in sessionStorage,
 * for this tab only) and lists the flagged sentences, each with a button that plays its
 * moment of the episode and one that copies a lexicon line for a name heard wrong.
 */

import { ServiceError, fetchWithKey, keyForm, keyStore } from './editor.js';

const keys = keyStore('narration:check-key');
const main = document.getElementById('main');
const form = document.getElementById('check-form');
const status = document.getElementById('check-status');
const results = document.getElementById('check-results');
const audio = document.getElementById('check-audio');
const episode = main.dataset.episode;

function node(tag, className, text) {
  const found = document.createElement(tag);
  if (className) found.className = className;
  if (text != null) found.textContent = String(text);
  return found;
}

function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** A lexicon line as the [words] table takes it: word = "respelling". */
export function lexiconLine(word, respelling) {
  const key = /^[A-Za-z0-9_-]+$/.test(word) ? word : JSON.stringify(word);
  return `${key} = ${JSON.stringify(respelling)}`;
}

let playing = null;

/** Play the sentence from its start; it pauses at its end (when the check gives it). */
function play(start, end) {
  playing = typeof end === 'number' && end > start ? { start, end } : null;
  audio.currentTime = start;
  const played = audio.play();
  if (played) played.catch(() => { status.textContent = 'The audio could not be played here.'; });
}

audio.addEventListener('timeupdate', () => {
  if (playing !== null && audio.currentTime >= playing.end) {
    playing = null;
    audio.pause();
  }
});
audio.addEventListener('seeking', () => {
  // The editor moved the playhead out of the sentence: play on from there.
  const at = audio.currentTime;
  if (playing !== null && (at < playing.start - 0.5 || at > playing.end)) playing = null;
});

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    status.textContent = `Lexicon line: ${text}`;
  }
}

function item(flagged, suggestions) {
  const li = node('li', 'flagged-item');
  li.append(node('p', 'said', flagged.text));
  li.append(node('p', 'heard', `Heard: ${flagged.heard || '(nothing)'}`));
  li.append(node('p', 'meta', `At ${clock(flagged.start_s)}, agreement ${Math.round(flagged.score * 100)} %`));
  const actions = node('div', 'actions');
  const listen = node('button', 'editor-button play', `Play from ${clock(flagged.start_s)}`);
  listen.type = 'button';
  listen.addEventListener('click', () => play(flagged.start_s, flagged.end_s));
  actions.append(listen);
  for (const [word, respelling] of Object.entries(suggestions)) {
    if (!flagged.text.includes(word)) continue;
    const line = lexiconLine(word, respelling);
    const button = node('button', 'editor-button copy', `Copy lexicon line for ${word}`);
    button.type = 'button';
    button.dataset.line = line;
    button.addEventListener('click', () => copy(line, button));
    actions.append(button);
  }
  li.append(actions);
  return li;
}

function show(check) {
  document.getElementById('check-title').textContent = check.title;
  const count = check.flagged.length;
  const natural = check.naturalness
    ? ` Naturalness (DNSMOS) ${check.naturalness.mos.toFixed(2)} of 5, overall ${check.naturalness.ovrl.toFixed(2)}.`
    : '';
  document.getElementById('check-summary').textContent =
    `Word error rate ${(check.wer * 100).toFixed(1)} %; ${count} of ${check.sentences} sentences flagged.${natural}`;
  audio.src = check.audio_url;
  const list = document.getElementById('flagged');
  list.replaceChildren(...check.flagged.map((f) => item(f, check.lexicon_suggestions || {})));
  results.hidden = false;
  status.textContent = count ? '' : 'No sentence was flagged.';
}

async function load(key) {
  status.textContent = 'Loading…';
  let response;
  try {
    response = await fetchWithKey(`/v1/episodes/${encodeURIComponent(episode)}/check`, key, {
      failed: (code) => `The check could not be read (HTTP ${code}).`,
      refused: 'That key may not read this episode.',
      unreachable: 'The service could not be reached.',
      keys,
      init: { cache: 'no-store' },
    });
  } catch (err) {
    // Whatever was shown stays when the service could not be reached.
    if (err instanceof ServiceError) results.hidden = true;
    status.textContent = err.message;
    return;
  }
  show(await response.json());
}

keyForm(form, keys, load);
