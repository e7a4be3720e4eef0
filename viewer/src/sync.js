// Live sync over the project websocket (docs/contracts.md), with nothing lost:
// - every write carries a client-generated id (crypto.randomUUID) and is idempotent on the server;
// - writes go to an outbox first (memory + localStorage) and leave it only when acked or refused,
//   so a write made while disconnected is sent on reconnect, and a reload keeps it;
// - `hello` carries `since` = the last sequence number seen; events are deduplicated by seq;
// - a refused edit (`conflict`) is handed to the UI, never retried blindly.

const BACKOFF_MS = [300, 600, 1200, 2500, 5000];
// close codes of a refusal (4000 + HTTP status): not a network problem, so no reconnecting
const DENIED = new Set([4401, 4403, 4404]);
const ACK_TIMEOUT_MS = 8000;

export function uuid() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  // insecure contexts (plain http on an intranet IP) lack randomUUID: build a v4 from getRandomValues
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Sync extends EventTarget {
  /**
   * @param {object} o
   * @param {number} o.projectId
   * @param {string} o.storageKey  localStorage key of this user's outbox for this project
   * @param {number} o.since       last sequence number reflected in the loaded snapshot
   * @param {(op: object) => object} o.prepare  resolves late-bound ids before sending; null = wait
   */
  constructor({ projectId, storageKey, since, prepare, url }) {
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
    this.outbox = this._load();
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
      return Array.isArray(ops) ? ops : [];
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
      this._retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
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
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
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
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
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
        this.state = 'online';
        if (typeof msg.seq === 'number' && msg.seq < this.lastSeq) {
          // the server's log is behind what we saw (a restored database): start over from it
          this.lastSeq = msg.seq;
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
          this._settle(msg.client_id, null, msg);
        } else {
          this.dispatchEvent(new CustomEvent('servererror', { detail: msg }));
        }
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

  _settle(clientId, ack, error) {
    const i = this.outbox.findIndex((op) => op.client_id === clientId);
    if (i < 0) return;
    const [op] = this.outbox.splice(i, 1);
    this.inflight.delete(clientId);
    this._save();
    this._status();
    this.dispatchEvent(new CustomEvent('settled', { detail: { op, ack, error } }));
    this.flush();
  }

  _sendRaw(msg) {
    if (!this.ws || this.ws.readyState !== 1 || !this.ready) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Queue a write (it carries its own client_id) and send it when possible. */
  send(op) {
    if (!op.client_id) op.client_id = uuid();
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
    for (const op of this.outbox) {
      if (this.inflight.has(op.client_id)) continue;
      const wire = this.prepare(op);
      if (!wire) continue; // waits for an id (its annotation is not created yet)
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

  setPresence(info) {
    this.presence = info;
    this._sendRaw({ type: 'presence.update', client_id: uuid(), ...info });
  }
}
