// Live sync over the project websocket (docs/contracts.md), with nothing lost:
// - every write carries a client-generated id (crypto.randomUUID) and is idempotent on the server;
// - writes go to an outbox first (memory + localStorage) and leave it only when acked or refused,
//   so a write made while disconnected is sent on reconnect, and a reload keeps it;
// - `hello` carries `since` = the last sequence number seen; events are deduplicated by seq;
// - a refused edit (`conflict`) is handed to the UI, never retried blindly;
// - a write larger than the server's limit (`max_message_bytes`, the same constant the server
//   checks) is refused here, before it is stored or sent; a write the server refuses (its error
//   names the client_id) leaves the outbox, so one bad write never jams the ones after it;
// - `slow_down` (the server cannot keep up): the write stays queued and the outbox waits
//   `retry_after_ms` (with jitter) before sending again; at most MAX_INFLIGHT writes are unanswered;
// - reconnects back off exponentially with full jitter (BACKOFF_BASE_MS doubling up to BACKOFF_CAP_MS);
// - a write that failed on the server's side (`internal_error`, `service_unavailable`: a database
//   restart, a bug hit once) is not the reviewer's fault and may pass later: it stays in the
//   outbox and is sent again with the same backoff (the server runs it once: same client_id), up
//   to MAX_WRITE_TRIES attempts (counted across reloads: the tries are stored beside the outbox);
//   then it is dropped with the server's message like a refusal.

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30000;
const MAX_INFLIGHT = 8;
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024; // replaced by the page config / welcome (the server's)
// close codes of a refusal (4000 + HTTP status): not a network problem, so no reconnecting
const DENIED = new Set([4401, 4403, 4404]);
const ACK_TIMEOUT_MS = 8000;
const RETRYABLE = new Set(['internal_error', 'service_unavailable']);
const MAX_WRITE_TRIES = 5;

export function uuid() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  // insecure contexts (plain http on an intranet IP) lack randomUUID: build a v4 from getRandomValues
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a message as it goes on the wire. */
export function wireBytes(msg) {
  return encoder.encode(JSON.stringify(msg)).length;
}

/** Exponential backoff with full jitter: a random delay in [base/2, min(cap, base * 2^attempt)]. */
export function backoffDelay(attempt, rand = Math.random) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(BACKOFF_BASE_MS / 2 + rand() * (ceiling - BACKOFF_BASE_MS / 2));
}

export class Sync extends EventTarget {
  /**
   * @param {object} o
   * @param {number} o.projectId
   * @param {string} o.storageKey  localStorage key of this user's outbox for this project
   * @param {number} o.since       last sequence number reflected in the loaded snapshot
   * @param {(op: object) => object} o.prepare  resolves late-bound ids before sending; null = wait
   */
  constructor({ projectId, storageKey, since, prepare, url, maxBytes }) {
    super();
    this.projectId = projectId;
    this.storageKey = storageKey;
    this.lastSeq = since || 0;
    this.seen = new Set();
    this.prepare = prepare || ((op) => op);
    this.url = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/projects/${projectId}`;
    this.ws = null;
    this.state = 'connecting';
    this.ready = false; // welcome received on the current socket
    this.attempt = 0;
    this.inflight = new Map(); // client_id -> sent at (ms)
    this.maxBytes = maxBytes || DEFAULT_MAX_MESSAGE_BYTES;
    this.pausedUntil = 0; // slow_down: no sending before this time (ms)
    this._resume = null;
    this.outbox = this._load();
    // client_id -> { tries, notBefore }: writes that failed on the server's side; the tries are
    // kept beside the outbox, so a reload does not give a failing write its full count again
    this.retries = this._loadTries();
    this.presence = null;
    this.stopped = false;
    this._timer = null;
    addEventListener('online', () => this.reconnectNow());
    addEventListener('offline', () => this.drop());
    this._watchdog = setInterval(() => this._checkAcks(), 2000);
  }

  _load() {
    try {
      const raw = localStorage.getItem(this.storageKey);
      const ops = raw ? JSON.parse(raw) : [];
      // an op stored by an older viewer that cannot be sent would block nothing now, but would
      // be resent forever: keep only those within the limit
      return Array.isArray(ops) ? ops.filter((op) => op && wireBytes(op) <= this.maxBytes) : [];
    } catch (_) {
      return [];
    }
  }

  _save() {
    try {
      if (this.outbox.length) localStorage.setItem(this.storageKey, JSON.stringify(this.outbox));
      else localStorage.removeItem(this.storageKey);
    } catch (_) {
      /* storage full or disabled: the in-memory outbox still works */
    }
  }

  /** The server-side failures counted so far for the writes still in the outbox. */
  _loadTries() {
    const out = new Map();
    try {
      const raw = JSON.parse(localStorage.getItem(this.storageKey + ':tries') || '{}');
      for (const op of this.outbox) {
        const tries = raw && raw[op.client_id];
        if (Number.isInteger(tries) && tries > 0) out.set(op.client_id, { tries, notBefore: 0 });
      }
    } catch (_) {
      /* unreadable: count from zero */
    }
    return out;
  }

  _saveTries() {
    try {
      const tries = {};
      for (const [id, r] of this.retries) tries[id] = r.tries;
      if (this.retries.size) localStorage.setItem(this.storageKey + ':tries', JSON.stringify(tries));
      else localStorage.removeItem(this.storageKey + ':tries');
    } catch (_) {
      /* storage full or disabled: the in-memory counts still work */
    }
  }

  _status() {
    this.dispatchEvent(new CustomEvent('status', { detail: { state: this.state, pending: this.outbox.length } }));
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  connect() {
    clearTimeout(this._timer);
    if (this.ws && this.ws.readyState <= 1) return;
    this.state = 'connecting';
    this.ready = false;
    this._status();
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (_) {
      // refused before any connection (a content security policy, a malformed URL): offline, retry later
      this.state = 'offline';
      this._status();
      this._retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      ws.send(JSON.stringify({ type: 'hello', since: this.lastSeq }));
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (_) {
        return;
      }
      this._receive(msg);
    };
    ws.onclose = (ev) => {
      this.closes = [...(this.closes || []).slice(-9), { code: ev.code, reason: ev.reason, at: Date.now() }];
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (ev.code === 1009) this._tooBigForTransport();
      this.inflight.clear();
      if (DENIED.has(ev.code)) {
        // the server refused us (signed out, account deactivated, no longer on the project):
        // retrying cannot help; unsent writes stay in the outbox for after a new sign-in
        this.state = 'denied';
        this.stopped = true;
        clearTimeout(this._timer);
        this._status();
        return;
      }
      this.state = 'offline';
      this._status();
      this._retry();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  _retry() {
    if (this.stopped) return;
    clearTimeout(this._timer);
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.nextRetryMs = delay;
    this._timer = setTimeout(() => {
      if (navigator.onLine === false) {
        this._retry();
        return;
      }
      this.connect();
    }, delay);
  }

  reconnectNow() {
    this.attempt = 0;
    if (!this.ws) this.connect();
  }

  // Close the socket as if the network went away (used on `offline`, and by tests).
  drop() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.ready = false;
    this.inflight.clear();
    this.state = 'offline';
    try {
      ws.close();
    } catch (_) {
      /* already closed */
    }
    this._status();
    this._retry();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this._timer);
    clearInterval(this._watchdog);
    if (this.ws) this.ws.close();
  }

  _receive(msg) {
    switch (msg.type) {
      case 'welcome':
        this.ready = true;
        this.attempt = 0; // a connection that got as far as welcome works: back off from scratch next time
        this.state = 'online';
        if (typeof msg.max_message_bytes === 'number' && msg.max_message_bytes > 0) this.maxBytes = msg.max_message_bytes;
        if (typeof msg.seq === 'number' && msg.seq < this.lastSeq) {
          // the server's log is behind what we saw (a restored database): start over from it,
          // and take its next events although their numbers were seen before (they are other
          // events now; kept in the seen set they were dropped as duplicates and never shown)
          this.lastSeq = msg.seq;
          for (const s of [...this.seen]) if (s > msg.seq) this.seen.delete(s);
          if (this._floor > msg.seq) this.__floor = msg.seq;
        }
        this._status();
        this.dispatchEvent(new CustomEvent('welcome', { detail: msg }));
        if (this.presence) this._sendRaw({ type: 'presence.update', client_id: uuid(), ...this.presence });
        this.flush();
        return;
      case 'ack':
        this._settle(msg.client_id, msg, null);
        if (typeof msg.seq === 'number') this.dispatchEvent(new CustomEvent('ack', { detail: msg }));
        return;
      case 'error':
        if (msg.client_id && this.outbox.some((op) => op.client_id === msg.client_id)) {
          if (RETRYABLE.has(msg.code) && this._retryWrite(msg)) return;
          this._settle(msg.client_id, null, msg); // refused: it leaves the outbox, the UI says why
        } else {
          this.dispatchEvent(new CustomEvent('servererror', { detail: msg }));
        }
        return;
      case 'slow_down':
        this._slowDown(msg);
        return;
      case 'pong':
        return;
      default:
        if (typeof msg.seq === 'number' && msg.seq > 0) {
          if (this.seen.has(msg.seq) || msg.seq <= this._floor) return; // duplicate (replay + live)
          this.seen.add(msg.seq);
          if (msg.seq > this.lastSeq) this.lastSeq = msg.seq;
          if (this.seen.size > 5000) this._compact();
        }
        this.dispatchEvent(new CustomEvent('event', { detail: msg }));
        // an event may resolve an id a queued write was waiting for
        if (this.outbox.length) this.flush();
    }
  }

  get _floor() {
    return this.__floor || 0;
  }

  _compact() {
    const sorted = [...this.seen].sort((a, b) => a - b);
    const drop = sorted.slice(0, sorted.length - 2000);
    for (const s of drop) this.seen.delete(s);
    this.__floor = drop[drop.length - 1];
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

  _sendRaw(msg) {
    if (!this.ws || this.ws.readyState !== 1 || !this.ready) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
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

  static backoffDelay = backoffDelay;

  setPresence(info) {
    this.presence = info;
    this._sendRaw({ type: 'presence.update', client_id: uuid(), ...info });
  }
}
