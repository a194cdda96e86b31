// The NetFleet HTTP API as the dashboard calls it: bearer token from sessionStorage, JSON in and out, errors as
// ApiError with the server's own { error } text.

const TOKEN_KEY = 'netfleet.token';
const USER_KEY = 'netfleet.user';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  /** { name, role } of the logged-in token, or null. */
  get user() {
    const text = sessionStorage.getItem(USER_KEY);
    return text ? JSON.parse(text) : null;
  },
  get isOperator() { return this.user?.role === 'operator'; },
  start(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  end() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

function headers(token, extra = {}) {
  const result = { Accept: 'application/json', ...extra };
  const bearer = token ?? session.token;
  if (bearer) result.Authorization = `Bearer ${bearer}`;
  return result;
}

async function errorOf(response) {
  const text = await response.text();
  let message = text;
  try {
    const body = JSON.parse(text);
    message = body.error ?? body.detail ?? body.title ?? text;
  } catch {
    // Not JSON (a proxy's page, say): the text as it is.
  }
  return new ApiError(response.status, message || `${response.status} ${response.statusText}`);
}

/** Calls the API; resolves to the parsed JSON body (null when empty), rejects with ApiError. */
export async function api(path, { method = 'GET', body, token, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(token, body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `cannot reach the NetFleet node (${e.message})`);
  }
  if (!response.ok) throw await errorOf(response);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const query = params => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/**
 * Follows a job's Server-Sent Events, calling onEvent(name, data) for each, until the stream ends or signal aborts.
 * Read with fetch() and a stream reader rather than EventSource because EventSource cannot send the Authorization
 * header, and the token must not go into a query string (where logs and history would keep it).
 */
export async function followJobEvents(jobId, onEvent, signal) {
  let response;
  try {
    response = await fetch(`/api/jobs/${encodeURIComponent(jobId)}/events`, {
      headers: headers(undefined, { Accept: 'text/event-stream' }),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `cannot reach the NetFleet node (${e.message})`);
  }
  if (!response.ok) throw await errorOf(response);

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = parseEvent(block);
      if (parsed) onEvent(parsed.name, parsed.data);
    }
  }
}

// One event block of the text/event-stream format: "event:" names it, "data:" lines carry it, ":" lines are comments.
function parseEvent(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  try {
    return { name, data: JSON.parse(text) };
  } catch {
    return { name, data: text };
  }
}
