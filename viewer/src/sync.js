// Live sync over the project websocket (docs/contracts.md), with nothing lost:
// - writes go through the outbox (outbox.js): stored first, sent when the socket is ready, and
//   they leave it only when acked or refused, so a write made while disconnected is sent on
//   reconnect, and a reload keeps it;
// - `hello` carries `since` = the last sequence number seen; events are deduplicated by seq
//   (seqlog.js);
// - a refused edit (`conflict`) is handed to the UI, never retried blindly;
// - reconnects back off exponentially with full jitter (wire.backoffDelay); a refusal of the
//   socket itself (signed out, deactivated, off the project) stops reconnecting.

import { Outbox } from './outbox.js';
import { SeqLog } from './seqlog.js';
import { backoffDelay, uuid } from './wire.js';

// close codes of a refusal (4000 + HTTP status): not a network problem, so no reconnecting
const DENIED = new Set([4401, 4403, 4404]);
const RETRYABLE = new Set(['internal_error', 'service_unavailable']);

export class Sync extends Outbox {
  /**
   * @param {object} o
   * @param {number} o.projectId
   * @param {string} o.storageKey  localStorage key of this user's outbox for this project
   * @param {number} o.since       last sequence number reflected in the loaded snapshot
   * @param {(op: object) => object} o.prepare  resolves late-bound ids before sending; null = wait
   */
  constructor({ projectId, storageKey, since, prepare, url, maxBytes }) {
    super({ storageKey, prepare, maxBytes });
    this.projectId = projectId;
    this.log = new SeqLog(since);
    this.url = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/projects/${projectId}`;
    this.ws = null;
    this.state = 'connecting';
    this.ready = false; // welcome received on the current socket
    this.attempt = 0;
    this.presence = null;
    this.stopped = false;
    this._timer = null;
    addEventListener('online', () => this.reconnectNow());
    addEventListener('offline', () => this.drop());
    this._watchdog = setInterval(() => this._checkAcks(), 2000);
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
        if (typeof msg.seq === 'number') this.log.rewind(msg.seq); // a restored database: start over from it
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
        if (typeof msg.seq === 'number' && msg.seq > 0 && !this.log.take(msg.seq)) return; // replay + live
        this.dispatchEvent(new CustomEvent('event', { detail: msg }));
        // the page's own listeners (the notification bell, nav.js) hear a project event as on the
        // other pages with a live socket (live.js)
        if (typeof msg.seq === 'number' && typeof document !== 'undefined') {
          document.dispatchEvent(new CustomEvent('dr:live', { detail: msg }));
        }
        // an event may resolve an id a queued write was waiting for
        if (this.outbox.length) this.flush();
    }
  }

  /** The last sequence number taken: the next `hello` asks for what follows it. */
  get lastSeq() {
    return this.log.last;
  }

  _sendRaw(msg) {
    if (!this.ws || this.ws.readyState !== 1 || !this.ready) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  static backoffDelay = backoffDelay;

  setPresence(info) {
    this.presence = info;
    this._sendRaw({ type: 'presence.update', client_id: uuid(), ...info });
  }
}
