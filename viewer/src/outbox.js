// The outbox: every write waits here until the server answers it.
// - every write carries a client-generated id (wire.uuid) and is idempotent on the server;
// - writes are stored first (memory + localStorage, OutboxStore) and leave only when acked or
//   refused; at most MAX_INFLIGHT are unanswered at once, and one unanswered for ACK_TIMEOUT_MS
//   means a half-dead connection: the socket is dropped and the writes are sent again;
// - a write larger than the server's limit (`max_message_bytes`, the same constant the server
//   checks) is refused here, before it is stored or sent; a write the server refuses (its error
//   names the client_id) leaves the outbox, so one bad write never jams the ones after it;
// - `slow_down` (the server cannot keep up): the write stays queued and the outbox waits
//   `retry_after_ms` (with jitter) before sending again;
// - a write that failed on the server's side (`internal_error`, `service_unavailable`: a database
//   restart, a bug hit once) is not the reviewer's fault and may pass later: it stays and is sent
//   again with backoff (the server runs it once: same client_id), up to MAX_WRITE_TRIES attempts
//   (counted across reloads: the tries are stored beside the outbox); then it is dropped with the
//   server's message like a refusal.
// The socket (sync.Sync, which extends Outbox) supplies `ready`, `state`, `_sendRaw` and `drop`.

import { backoffDelay, uuid, wireBytes } from './wire.js';

const MAX_INFLIGHT = 8;
const ACK_TIMEOUT_MS = 8000;
const MAX_WRITE_TRIES = 5;
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024; // replaced by the page config / welcome (the server's)

// Where the outbox lives between page loads: the writes not yet answered (under `key`) and the
// server-side failures counted for them (under `key:tries`), both in localStorage, so a reload
// neither loses a write nor gives a failing one its full count of tries again. Storage that is
// full, disabled or unreadable never stops the in-memory outbox.

export class OutboxStore {
  constructor(key) {
    this.key = key;
  }

  /** The stored writes; one an older viewer stored that is over `maxBytes` could never be sent. */
  load(maxBytes) {
    try {
      const raw = localStorage.getItem(this.key);
      const ops = raw ? JSON.parse(raw) : [];
      return Array.isArray(ops) ? ops.filter((op) => op && wireBytes(op) <= maxBytes) : [];
    } catch (_) {
      return [];
    }
  }

  save(ops) {
    try {
      if (ops.length) localStorage.setItem(this.key, JSON.stringify(ops));
      else localStorage.removeItem(this.key);
    } catch (_) {
      /* storage full or disabled: the in-memory outbox still works */
    }
  }

  /** client_id -> { tries, notBefore } for the writes in `ops` that failed on the server's side. */
  loadTries(ops) {
    const out = new Map();
    try {
      const raw = JSON.parse(localStorage.getItem(this.key + ':tries') || '{}');
      for (const op of ops) {
        const tries = raw && raw[op.client_id];
        if (Number.isInteger(tries) && tries > 0) out.set(op.client_id, { tries, notBefore: 0 });
      }
    } catch (_) {
      /* unreadable: count from zero */
    }
    return out;
  }

  saveTries(retries) {
    try {
      const tries = {};
      for (const [id, r] of retries) tries[id] = r.tries;
      if (retries.size) localStorage.setItem(this.key + ':tries', JSON.stringify(tries));
      else localStorage.removeItem(this.key + ':tries');
    } catch (_) {
      /* storage full or disabled: the in-memory counts still work */
    }
  }
}

export class Outbox extends EventTarget {
  constructor({ storageKey, prepare, maxBytes }) {
    super();
    this.storageKey = storageKey;
    this.prepare = prepare || ((op) => op);
    this.inflight = new Map(); // client_id -> sent at (ms)
    this.maxBytes = maxBytes || DEFAULT_MAX_MESSAGE_BYTES;
    this.pausedUntil = 0; // slow_down: no sending before this time (ms)
    this._resume = null;
    this.store = new OutboxStore(storageKey);
    this.outbox = this.store.load(this.maxBytes);
    // client_id -> { tries, notBefore }: writes that failed on the server's side; the tries are
    // kept beside the outbox, so a reload does not give a failing write its full count again
    this.retries = this.store.loadTries(this.outbox);
  }

  _status() {
    this.dispatchEvent(new CustomEvent('status', { detail: { state: this.state, pending: this.outbox.length } }));
  }

  _save() {
    this.store.save(this.outbox);
  }

  _saveTries() {
    this.store.saveTries(this.retries);
  }

  /** A write the server failed to run: send it again after a backoff; false after the last try. */
  _retryWrite(msg) {
    const r = this.retries.get(msg.client_id) || { tries: 0, notBefore: 0 };
    r.tries += 1;
    if (r.tries >= MAX_WRITE_TRIES) return false; // _settle forgets it
    r.notBefore = Date.now() + backoffDelay(r.tries - 1);
    this.retries.set(msg.client_id, r);
    this._saveTries();
    this.inflight.delete(msg.client_id);
    this.dispatchEvent(new CustomEvent('retrying', { detail: { client_id: msg.client_id, tries: r.tries,
      max: MAX_WRITE_TRIES, inMs: r.notBefore - Date.now(), error: msg } }));
    const next = Math.min(...[...this.retries.values()].map((x) => x.notBefore));
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this.flush(), Math.max(0, next - Date.now()) + 5);
    return true;
  }

  _settle(clientId, ack, error) {
    const i = this.outbox.findIndex((op) => op.client_id === clientId);
    if (i < 0) return;
    const [op] = this.outbox.splice(i, 1);
    this.inflight.delete(clientId);
    if (this.retries.delete(clientId)) this._saveTries();
    this._save();
    this._status();
    this.dispatchEvent(new CustomEvent('settled', { detail: { op, ack, error } }));
    this.flush();
  }

  _slowDown(msg) {
    // the server did not run this write: keep it, and wait before sending anything more
    if (msg.client_id) this.inflight.delete(msg.client_id);
    const wait = Math.max(100, msg.retry_after_ms || 1000);
    const until = Date.now() + wait * (1 + Math.random() * 0.5);
    if (until > this.pausedUntil) this.pausedUntil = until;
    this.slowDowns = (this.slowDowns || 0) + 1;
    this.dispatchEvent(new CustomEvent('slowdown', { detail: msg }));
    clearTimeout(this._resume);
    this._resume = setTimeout(() => this.flush(), this.pausedUntil - Date.now());
  }

  _tooBigForTransport() {
    // 1009: a frame was over the transport's limit (the server's, or a proxy's) and the socket
    // closed before any answer: the largest write in flight was it; drop it instead of resending
    let worst = null;
    let most = -1;
    for (const op of this.outbox) {
      if (!this.inflight.has(op.client_id)) continue;
      const wire = this.prepare(op);
      const bytes = wire ? wireBytes(wire) : 0;
      if (bytes > most) [worst, most] = [op, bytes];
    }
    if (!worst) return;
    this.outbox.splice(this.outbox.indexOf(worst), 1);
    this._save();
    this._status();
    this._refuseLocally(worst, most);
  }

  /** A write refused here, before it is stored or sent (same shape as a server error). */
  _refuseLocally(op, bytes) {
    const max = this.maxBytes;
    const error = { type: 'error', client_id: op.client_id, code: 'too_large', details: { bytes, max_bytes: max },
      messages: { 'zh-CN': `内容过大（${bytes} 字节，上限 ${max} 字节），未保存；请缩小该审查意见后重试`,
        en: `Too large (${bytes} bytes, at most ${max}); not saved: make the markup smaller and try again` } };
    this.dispatchEvent(new CustomEvent('settled', { detail: { op, ack: null, error } }));
  }

  /** Queue a write (it carries its own client_id) and send it when possible. */
  send(op) {
    if (!op.client_id) op.client_id = uuid();
    const wire = this.prepare(op) || op;
    const bytes = wireBytes(wire);
    if (bytes > this.maxBytes) {
      this._refuseLocally(op, bytes); // never stored: it could never be sent
      return null;
    }
    this.outbox.push(op);
    this._save();
    this._status();
    this.flush();
    return op.client_id;
  }

  /** Replace or drop queued writes (used to fold edits into a not-yet-sent create). */
  rewrite(fn) {
    this.outbox = fn(this.outbox).filter(Boolean);
    this._save();
    this._status();
  }

  isPending(clientId) {
    return this.outbox.some((op) => op.client_id === clientId);
  }

  flush() {
    if (!this.ready) return;
    if (Date.now() < this.pausedUntil) return; // slow_down: the timer flushes later
    for (const op of [...this.outbox]) {
      if (this.inflight.size >= MAX_INFLIGHT) break;
      if (this.inflight.has(op.client_id)) continue;
      const again = this.retries.get(op.client_id);
      if (again && again.notBefore > Date.now()) continue; // failed on the server: its timer flushes later
      const wire = this.prepare(op);
      if (!wire) continue; // waits for an id (its annotation is not created yet)
      const bytes = wireBytes(wire);
      if (bytes > this.maxBytes) { // grew past the limit after it was queued (an edit folded into it)
        this.outbox.splice(this.outbox.indexOf(op), 1);
        this._save();
        this._refuseLocally(op, bytes);
        continue;
      }
      if (!this._sendRaw(wire)) return;
      this.inflight.set(op.client_id, Date.now());
      if (!op.sent) {
        // once sent, the server may have done it: its content must not change under its
        // client_id (a resend with other content is refused, decision 142)
        op.sent = true;
        this._save();
      }
    }
    if (this.outbox.length) {
      this.state = 'sending';
      this._status();
    } else if (this.state === 'sending') {
      this.state = 'online';
      this._status();
    }
  }

  _checkAcks() {
    // an ack that never comes means a half-dead connection: reconnect, the writes are resent
    const now = Date.now();
    for (const at of this.inflight.values()) {
      if (now - at > ACK_TIMEOUT_MS) {
        this.drop();
        return;
      }
    }
  }
}
