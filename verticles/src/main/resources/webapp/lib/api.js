// The API client: the session's tokens, JSON requests, problem+json errors.
//
// Where the tokens live (docs/web-app.md): the access token only in this module's memory, the
// refresh token in sessionStorage. A script injected into the page could still use either while
// the page is open, but nothing stays readable on disk after the tab closes (localStorage would
// keep it for ever), and a reload or a second visit within the tab signs in again with a refresh.

const REFRESH_KEY = 'learngrid.refreshToken';
// Refresh this long before the access token expires (at most a quarter of its life), so requests
// do not meet a 401 first.
const EARLY_REFRESH_MS = 30_000;

let accessToken = null;
let refreshAt = 0;
let refreshing = null;
let signedOut = () => {};

/** An API error: the status and the problem+json body (title, detail, errors[]). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The message, with each field error after it. */
  describe() {
    const fields = (this.problem.errors || []).map((e) => `${e.field}: ${e.message}`);
    return [this.message, ...fields].join(' — ');
  }
}

/** Called when the session ends on its own (refresh refused): the app shows the sign-in page. */
export function onSignedOut(callback) {
  signedOut = callback;
}

export function hasSession() {
  return accessToken !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
}

function store(pair) {
  accessToken = pair.accessToken;
  refreshAt = Date.now() + pair.expiresIn * 1000 - Math.min(EARLY_REFRESH_MS, pair.expiresIn * 250);
  sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
}

function forget() {
  accessToken = null;
  refreshAt = 0;
  sessionStorage.removeItem(REFRESH_KEY);
}

async function problemOf(response) {
  try {
    return new ApiError(response.status, await response.json());
  } catch {
    return new ApiError(response.status, {});
  }
}

export async function signIn(email, password) {
  store(await request('POST', '/api/v1/auth/login', {email, password}, {auth: false}));
}

export async function signOut() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  try {
    if (refreshToken) await request('POST', '/api/v1/auth/logout', {refreshToken});
  } catch {
    // Signed out here either way; the server forgets an unused refresh token on its own.
  } finally {
    forget();
  }
}

/** One refresh at a time: refresh tokens rotate, and a second use of the old one revokes them all. */
function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const refreshToken = sessionStorage.getItem(REFRESH_KEY);
      if (!refreshToken) throw new ApiError(401, {detail: 'Please sign in.'});
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({refreshToken}),
      });
      if (!response.ok) {
        const error = await problemOf(response);
        if (response.status === 401 || response.status === 400) {
          forget();
          signedOut();
        }
        throw error;
      }
      store(await response.json());
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

async function currentToken() {
  if (!accessToken || Date.now() > refreshAt) await refresh();
  return accessToken;
}

/** fetch() with the access token; a 401 (a token revoked meanwhile) refreshes once and retries. */
export async function authFetch(path, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set('Authorization', `Bearer ${await currentToken()}`);
  let response = await fetch(path, {...init, headers});
  if (response.status === 401 && sessionStorage.getItem(REFRESH_KEY)) {
    accessToken = null;
    headers.set('Authorization', `Bearer ${await currentToken()}`);
    response = await fetch(path, {...init, headers});
  }
  return response;
}

/** A JSON request; resolves to the parsed body (null for 204), rejects with an ApiError. */
export async function request(method, path, body, {auth = true, headers = {}} = {}) {
  const init = {method, headers: {Accept: 'application/json', ...headers}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = auth ? await authFetch(path, init) : await fetch(path, init);
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path) => request('GET', path);
export const post = (path, body, options) => request('POST', path, body, options);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

/** Every page of a list (items + nextCursor), up to `maxPages`. */
export async function all(path, maxPages = 10) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const reply = await get(`${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...reply.items);
    cursor = reply.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** Path segments are ids the server chose; encode them anyway. */
export const seg = (id) => encodeURIComponent(id);
