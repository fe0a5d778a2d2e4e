/**
 * Copy buttons for the site pages: <button data-copy="ID"> copies the value (form fields)
 * or text of the element with that id, then reads "Copied" for 2 seconds.
 */

const COPIED_MS = 2000;
const labels = new WeakMap();
const timers = new WeakMap();

function textOf(el) {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : el.textContent ?? '';
}

/** The old way, for pages without the async Clipboard API (plain http, older browsers). */
function copyBySelection(el, text) {
  let field = el;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) {
    field = document.createElement('textarea');
    field.value = text;
    field.setAttribute('readonly', '');
    field.style.position = 'fixed';
    field.style.opacity = '0';
    document.body.append(field);
  }
  field.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  if (field !== el) field.remove();
  return ok;
}

async function copy(el) {
  const text = textOf(el);
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return copyBySelection(el, text);
  }
}

function showCopied(button) {
  if (!labels.has(button)) labels.set(button, button.textContent);
  button.textContent = 'Copied';
  clearTimeout(timers.get(button));
  timers.set(button, setTimeout(() => { button.textContent = labels.get(button); }, COPIED_MS));
}

document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  const source = button && document.getElementById(button.dataset.copy);
  if (!source) return;
  event.preventDefault();
  if (await copy(source)) showCopied(button);
});
