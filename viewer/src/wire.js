// What a write looks like on the wire: its id, its size, and how long to wait before trying again.

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30000;
const encoder = new TextEncoder();

/** A client-generated write id (v4 UUID); the server runs each id once. */
export function uuid() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  // insecure contexts (plain http on an intranet IP) lack randomUUID: build a v4 from getRandomValues
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** UTF-8 bytes of a message as it goes on the wire. */
export function wireBytes(msg) {
  return encoder.encode(JSON.stringify(msg)).length;
}

/** Exponential backoff with full jitter: a random delay in [base/2, min(cap, base * 2^attempt)]. */
export function backoffDelay(attempt, rand = Math.random) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(BACKOFF_BASE_MS / 2 + rand() * (ceiling - BACKOFF_BASE_MS / 2));
}
