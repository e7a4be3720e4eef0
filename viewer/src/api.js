// JSON API calls (docs/contracts.md): session cookie + CSRF header; the one error envelope.

let csrf = '';

export function setCsrf(token) {
  csrf = token || '';
}

export class ApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (error && error.code) || 'http_' + status;
    this.messages = error && error.messages;
    this.details = error && error.details;
  }
}

export async function api(method, url, body) {
  const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrf) opts.headers['X-CSRF-Token'] = csrf;
  const res = await fetch(url, opts);
  let data = null;
  try {
    data = await res.json();
  } catch (_) {
    data = null;
  }
  if (!res.ok || (data && data.ok === false)) throw new ApiError(res.status, data && data.error);
  return data && 'data' in data ? data.data : data;
}

export const get = (url) => api('GET', url);
export const post = (url, body) => api('POST', url, body ?? {});

// GET that answers null on 404 (an optional endpoint that may not exist on this server).
export async function getOptional(url) {
  try {
    return await get(url);
  } catch (e) {
    if (e.status === 404 || e.status === 405) return null;
    throw e;
  }
}

// Lists may come bare or wrapped ({items: [...]}, {annotations: [...]}).
export function asList(data, ...keys) {
  if (Array.isArray(data)) return data;
  if (!data) return [];
  for (const k of [...keys, 'items', 'results']) if (Array.isArray(data[k])) return data[k];
  return [];
}
