/**
 * What the editors' pages share: the API key the editor types, kept in sessionStorage
 * (for this tab only) under the page's own name, the form that asks for it, and requests
 * that send it as `Authorization: Bearer <key>`.
 */

/** Storage may be off (a private window, a policy): the key is then only typed. */
function quietly(action) {
  try {
    return action();
  } catch {
    return null;
  }
}

/** The key kept under `name` in this tab's sessionStorage. */
export function keyStore(name) {
  return {
    get: () => quietly(() => sessionStorage.getItem(name)),
    set: (key) => quietly(() => sessionStorage.setItem(name, key)),
    forget: () => quietly(() => sessionStorage.removeItem(name)),
  };
}

/**
 * Wires the key form (its key input is named `key`): a key submitted is kept in `keys`
 * and given to `onKey`, as is the key kept from before, at once.
 */
export function keyForm(form, keys, onKey) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = String(new FormData(form).get('key') || '').trim();
    if (!key) return;
    keys.set(key);
    onKey(key);
  });
  const saved = keys.get();
  if (saved) {
    form.elements.key.value = saved;
    onKey(saved);
  }
}

/** The service answered, but not with what was asked: the message says why. */
export class ServiceError extends Error {}

/**
 * GETs `url` with the key and resolves to the response when it is OK. Otherwise it
 * rejects with an Error whose message is for the status line:
 * - the service could not be reached: `unreachable` (or the browser's own message);
 * - the key was refused (401 or 403) and `refused` is given: a ServiceError of
 *   `refused`, and the key is forgotten from `keys` when they are given;
 * - any other answer (404 among them): a ServiceError of the service's own message,
 *   or of `failed(status)` when it has none.
 */
export async function fetchWithKey(url, key, { failed, refused, unreachable, keys, init = {} }) {
  let response;
  try {
    response = await fetch(url, { ...init, headers: { Authorization: `Bearer ${key}` } });
  } catch (err) {
    throw unreachable ? new Error(unreachable) : err;
  }
  if (refused && (response.status === 401 || response.status === 403)) {
    if (keys) keys.forget();
    throw new ServiceError(refused);
  }
  if (!response.ok) {
    let message = failed(response.status);
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) message = body.error.message;
    } catch { /* not JSON */ }
    throw new ServiceError(message);
  }
  return response;
}
