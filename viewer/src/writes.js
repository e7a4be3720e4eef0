// Writes and incoming events: every change is an outbox operation (sync.js) applied to the store
// at once (a draft or an overlay) and confirmed by the server's ack and event; a refused edit is
// shown to the user (conflict dialog), never silently overwritten.

import { dialog, h, toast } from './dom.js';
import { t, serverMessage } from './i18n.js';
import { get, asList } from './api.js';
import { markupForm, renderGone } from './thread.js';
import { uuid } from './wire.js';

const VERSIONED = new Set(['annotation.update', 'annotation.delete', 'annotation.set_status']);

export class Writes {
  constructor(app) {
    this.app = app;
    this.store = app.store;
    this.sync = null;
    this.waiting = new Map(); // seq -> [annotation keys whose overlay clears when that event is in]
    this.myConn = null;
    this.presenceTtlMs = 45000; // the server's welcome says how long an entry lives without a beat
    // a leave never comes from an app process that crashed: drop entries that stopped beating
    this._sweeper = setInterval(() => this.sweepPresence(), 1000);
  }

  sweepPresence() {
    const now = Date.now();
    for (const p of [...this.store.presence.values()]) {
      if (p.key !== this.myConn && p.seen && now - p.seen > this.presenceTtlMs) this.store.putPresence({ ...p, gone: true });
    }
  }

  attach(sync) {
    this.sync = sync;
    sync.addEventListener('event', (e) => this.onEvent(e.detail));
    sync.addEventListener('settled', (e) => this.onSettled(e.detail));
    sync.addEventListener('status', (e) => this.onStatus(e.detail));
    sync.addEventListener('welcome', (e) => this.onWelcome(e.detail));
    sync.addEventListener('servererror', (e) => toast(t('sync.error', { msg: serverMessage(e.detail) }), 'error'));
    sync.addEventListener('retrying', (e) => {
      const el = this.app.syncEl;
      el.dataset.state = 'retrying';
      el.textContent = t('sync.retrying', { n: e.detail.tries, max: e.detail.max,
        s: Math.max(1, Math.round(e.detail.inMs / 1000)) });
    });
    sync.addEventListener('slowdown', () => {
      const el = this.app.syncEl;
      el.dataset.state = 'slow';
      el.textContent = t('sync.slow', { n: this.sync.outbox.length });
    });
  }

  // ---- outgoing ---------------------------------------------------------------------------
  /** The wire message for an outbox op, or null while its annotation has no server id yet. */
  wire(op) {
    const { target, ...msg } = op;
    delete msg.local;
    delete msg.sent;
    if (op.type === 'annotation.create') return msg;
    if (op.type.startsWith('finding.')) return msg;
    // one write at a time per annotation: a later edit waits for the earlier one's answer
    for (const other of this.sync.outbox) {
      if (other === op) break;
      if (other.target === target) return null;
    }
    const r = this.store.recs.get(target);
    const id = r && r.data && r.data.id;
    if (id == null) return null;
    return { ...msg, annotation_id: id };
  }

  send(op) {
    this.sync.send(op);
  }

  restoreOutbox() {
    // writes kept in localStorage from an earlier visit are shown again as pending
    const key = `drawreview.outbox.${this.app.cfg.project.id}.${this.app.cfg.user.id}`;
    let ops = [];
    try {
      ops = JSON.parse(localStorage.getItem(key) || '[]');
    } catch (_) {
      ops = [];
    }
    for (const op of ops) this.applyLocal(op);
  }

  applyLocal(op) {
    const s = this.store;
    switch (op.type) {
      case 'annotation.create':
        if (!s.recs.has(op.client_id)) {
          s.draft({ ...op, id: null, author: this.app.cfg.user.display_name, discipline: this.app.cfg.user.discipline,
            project_id: this.app.cfg.project.id, status: 'open', version: 1, created_at: new Date().toISOString() });
        }
        break;
      case 'annotation.update':
        s.overlay(op.target, pick(op, ['geometry', 'severity', 'clause', 'body']));
        break;
      case 'annotation.set_status':
        s.overlay(op.target, { status: op.status });
        break;
      case 'annotation.delete':
        s.markDeleted(op.target, true);
        break;
      case 'comment.create':
        s.localComment(op.target, { client_id: op.client_id, body: op.body, author: this.app.cfg.user.display_name,
          created_at: new Date().toISOString() });
        break;
      default:
    }
  }

  async newMarkup(kind, points) {
    const app = this.app;
    const v = await markupForm(app.formEl, app, { kind });
    app.tools.clearSketch();
    if (!v) return;
    const clientId = uuid();
    const geometry = { points };
    if (kind === 'text') geometry.text = v.text;
    const op = { type: 'annotation.create', client_id: clientId, sheet_id: app.sheet.id, kind, geometry,
      severity: v.severity, clause: v.clause, body: v.body || (kind === 'text' ? v.text : '') };
    this.applyLocal(op);
    this.send(op);
    app.setTool('select');
    app.select(clientId);
  }

  async editMarkup(key) {
    const v = this.store.view(key);
    if (!v) return;
    const got = await markupForm(this.app.formEl, this.app, { kind: v.kind, title: t('markup.edit'),
      initial: { body: v.body, severity: v.severity, clause: v.clause, text: v.geometry && v.geometry.text } });
    if (!got) return;
    const fields = { body: got.body, severity: got.severity, clause: got.clause };
    if (v.kind === 'text') fields.geometry = { ...v.geometry, text: got.text };
    this.update(key, fields);
  }

  update(key, fields) {
    const r = this.store.recs.get(key);
    if (!r) return;
    // fold into a create that has never left (one sent may have been done: it is resent as it was)
    const pendingCreate = this.sync.outbox.find((o) => o.client_id === key && o.type === 'annotation.create' && !o.sent);
    if (pendingCreate) {
      this.sync.rewrite((ops) => ops.map((o) => (o === pendingCreate ? { ...o, ...fields } : o)));
      r.data = { ...r.data, ...fields };
      this.store.changed('annotations', key);
      return;
    }
    const op = { type: 'annotation.update', client_id: uuid(), target: key, version: r.data.version, ...fields };
    this.applyLocal(op);
    this.send(op);
  }

  setStatus(key, status) {
    const r = this.store.recs.get(key);
    if (!r) return;
    const op = { type: 'annotation.set_status', client_id: uuid(), target: key, version: r.data.version, status };
    this.applyLocal(op);
    this.send(op);
  }

  deleteMarkup(key) {
    const r = this.store.recs.get(key);
    if (!r) return;
    const unsent = this.sync.outbox.some((o) => o.client_id === key && o.type === 'annotation.create' && !o.sent);
    if (unsent) {
      // never left this browser: forget the create and everything queued on it
      this.sync.rewrite((ops) => ops.filter((o) => o.client_id !== key && o.target !== key));
      this.store.remove(key);
    } else {
      const op = { type: 'annotation.delete', client_id: uuid(), target: key, version: r.data.version };
      this.applyLocal(op);
      this.send(op);
    }
    this.app.select(null);
  }

  reply(key, body) {
    const op = { type: 'comment.create', client_id: uuid(), target: key, body };
    this.applyLocal(op);
    this.send(op);
  }

  confirmFinding(id) {
    this.send({ type: 'finding.confirm', client_id: uuid(), finding_id: id });
  }

  dismissFinding(id, reason) {
    this.send({ type: 'finding.dismiss', client_id: uuid(), finding_id: id, reason });
  }

  // ---- incoming ---------------------------------------------------------------------------
  onEvent(msg) {
    const s = this.store;
    let key = null;
    let what = null;
    switch (msg.type) {
      case 'annotation.created':
        key = s.upsert(msg.annotation || msg);
        what = t('event.created');
        break;
      case 'annotation.updated':
        key = s.upsert(msg.annotation || msg);
        what = t('event.updated');
        break;
      case 'annotation.status':
        key = msg.annotation ? s.upsert(msg.annotation) : s.patch(msg.annotation_id, { status: msg.status, version: msg.version });
        what = t('event.status', { status: t(`status.${msg.status || (msg.annotation && msg.annotation.status)}`) });
        break;
      case 'annotation.deleted':
        key = s.remove(null, msg.annotation_id ?? (msg.annotation && msg.annotation.id));
        what = t('event.deleted');
        if (key && key === this.app.selected) this.gone(key, msg.actor_id !== this.app.cfg.user.id ? msg.actor : null);
        break;
      case 'comment.created':
        key = s.addComment(msg.annotation_id ?? (msg.comment && msg.comment.annotation_id), msg.comment || msg);
        what = t('event.reply');
        break;
      case 'finding.confirmed':
      case 'finding.dismissed':
        if (msg.finding) s.updateFinding(msg.finding.id, msg.finding);
        if (this.app.selected === `finding:${msg.finding && msg.finding.id}`) {
          const ann = msg.annotation_id != null && s.keyOfId(msg.annotation_id);
          this.app.select(ann || null);
        }
        break;
      case 'presence':
        this.onPresence(msg);
        return;
      default:
        return;
    }
    const clears = this.waiting.get(msg.seq);
    if (clears) {
      this.waiting.delete(msg.seq);
      for (const k of clears) s.clearOverlay(k);
    }
    if (what && msg.actor_id !== this.app.cfg.user.id && msg.actor) {
      const v = key && s.view(key);
      const onThis = !v || v.sheet_id === this.app.sheet.id;
      if (onThis) toast(t('sync.remote', { name: msg.actor, what }), 'remote', 3500);
      // a reply to (or a status change of) my own comment on another sheet: I am the one it is
      // for, so say so, naming the sheet (a click on the comment in the list goes there)
      else if (v && v.author_id === this.app.cfg.user.id && msg.type !== 'annotation.created') {
        toast(t('sync.remote_mine', { name: msg.actor, what, sheet: this.app.sheetName(v.sheet_id) }), 'remote', 6000);
      }
    }
  }

  // The markup whose thread is open is gone: close it, saying so, with the reply being written
  // (or refused: *draft*) kept to copy.
  gone(key, name, draft = null) {
    const box = document.getElementById('reply-body');
    const text = draft ?? (box ? box.value.trim() : '');
    // a reply sent just before the deletion arrives is refused after it: keep the name already shown
    if (!name && this.goneInfo && this.goneInfo.key === key) name = this.goneInfo.name;
    this.goneInfo = { key, name };
    this.app.select(null);
    renderGone(this.app.threadEl, this.app, { name, draft: text });
  }

  onPresence(msg) {
    const u = msg.user || {};
    const p = { key: msg.conn || `u${u.id}`, user_id: u.id, name: u.display_name || '', discipline: u.discipline,
      role: u.role, sheet_id: msg.sheet_id, gone: msg.event === 'leave', seen: Date.now() };
    this.store.putPresence(p);
  }

  onWelcome(msg) {
    const me = this.app.cfg.user;
    this.myConn = msg.conn || 'me';
    if (typeof msg.presence_ttl_s === 'number' && msg.presence_ttl_s > 0) this.presenceTtlMs = msg.presence_ttl_s * 1000;
    // we never see our own announcements: put ourselves on the roster
    this.store.putPresence({ key: msg.conn || 'me', user_id: me.id, name: me.display_name, discipline: me.discipline,
      role: me.role, sheet_id: this.app.sheet.id });
    for (const p of [...this.store.presence.values()]) {
      if (p.user_id === me.id && p.key !== msg.conn) this.store.putPresence({ ...p, gone: true });
    }
    if (msg.resync) this.reload();
  }

  async reload() {
    // too much was missed (or the log was reset): load the whole state again
    try {
      const list = asList(await get(`/api/projects/${this.app.cfg.project.id}/annotations`), 'annotations');
      const seen = new Set();
      for (const a of list) seen.add(this.store.upsert(a, { force: true }));
      for (const [key, r] of [...this.store.recs]) {
        if (!seen.has(key) && !r.pending && r.data.id != null) this.store.remove(key);
      }
    } catch (e) {
      toast(t('sync.error', { msg: e.message }), 'error');
    }
  }

  onSettled({ op, ack, error }) {
    const s = this.store;
    const key = op.type === 'annotation.create' ? op.client_id : op.target;
    if (ack) {
      if (ack.annotation) s.upsert(ack.annotation);
      if (ack.comment && op.type === 'comment.create') s.addComment(ack.comment.annotation_id, ack.comment);
      if (ack.finding) s.updateFinding(ack.finding.id, ack.finding);
      if (VERSIONED.has(op.type)) {
        // later queued edits of the same markup were based on the version before this one
        const next = op.version + 1;
        this.sync.rewrite((ops) => ops.map((o) => (o.target === op.target && VERSIONED.has(o.type) && o.version === op.version ? { ...o, version: next } : o)));
        if (op.type === 'annotation.delete') s.remove(key);
        else if (ack.annotation || (typeof ack.seq === 'number' && ack.seq <= this.sync.lastSeq)) s.clearOverlay(key);
        else if (typeof ack.seq === 'number') this.waiting.set(ack.seq, [...(this.waiting.get(ack.seq) || []), key]);
        else s.clearOverlay(key);
      }
      if (op.type === 'finding.confirm' && ack.annotation) {
        this.app.select(ack.annotation.client_id);
      }
      return;
    }
    // refused
    if (error.code === 'conflict') {
      this.conflict(op, key, error);
      return;
    }
    if (error.code === 'not_assigned') this.app.lockWrites();
    if (op.type === 'comment.create' && error.code === 'not_found' && (this.app.selected === key || !this.app.selected)) {
      // the markup was deleted before the reply reached the server: keep the reply to copy
      s.dropLocalComment(key, op.client_id);
      this.gone(key, null, op.body);
      return;
    }
    if (op.type === 'annotation.create') s.remove(key);
    else if (op.type === 'comment.create') s.dropLocalComment(key, op.client_id);
    else if (op.type === 'annotation.delete') s.markDeleted(key, false);
    else if (key) s.clearOverlay(key);
    toast(t('sync.error', { msg: serverMessage(error) }), 'error', 6000);
  }

  async conflict(op, key, error) {
    const s = this.store;
    const latest = error.details && error.details.annotation;
    if (latest) s.upsert(latest, { force: true });
    s.clearOverlay(key);
    if (op.type === 'annotation.delete') s.markDeleted(key, false);
    const v = s.view(key);
    const what = v ? (v.body || t(`kind.${v.kind}`)).slice(0, 30) : '';
    const yours = pick(op, ['body', 'severity', 'clause', 'status']);
    const label = { body: 'markup.body', severity: 'markup.severity', clause: 'markup.clause', status: 'filter.status' };
    const shown = (k, val) => (k === 'severity' || k === 'status' ? t(`${k}.${val}`) : val || '—');
    const detail = Object.entries(yours).map(([k, val]) => `${t(label[k])}：${shown(k, val)}`).join('\n') || op.type;
    // who made the change that came first (not the markup's author: the design institute marking
    // it answered, or the same reviewer in another window), and what it was
    const d = error.details || {};
    const name = d.changed_by || (latest && latest.author) || '—';
    const said = d.change === 'annotation.status' && v
      ? t('sync.conflict_status', { what, name, status: t(`status.${v.status}`) })
      : t('sync.conflict', { what, name });
    const choice = await dialog({
      title: t('sync.conflict_title'),
      body: h('div', { id: 'conflict-dialog' },
        h('p', null, said),
        h('p', { class: 'muted' }, t('sync.conflict_yours')), h('pre', null, detail)),
      buttons: [{ label: t('sync.conflict_drop'), value: 'drop' }, { label: t('sync.conflict_keep'), value: 'keep', primary: true }],
    });
    if (choice === 'keep' && v) {
      const r = s.recs.get(key);
      const again = { ...op, client_id: uuid(), version: r.data.version };
      this.applyLocal(again);
      this.send(again);
    }
  }

  onStatus({ state, pending }) {
    const el = this.app.syncEl;
    el.dataset.state = state;
    el.dataset.pending = String(pending);
    if (state === 'online') el.textContent = pending ? t('sync.sending', { n: pending }) : t('sync.online');
    else if (state === 'sending') el.textContent = t('sync.sending', { n: pending });
    else if (state === 'connecting') el.textContent = t('sync.connecting');
    else if (state === 'denied') el.textContent = t('sync.denied', { n: pending });
    else el.textContent = t('sync.offline', { n: pending });
  }
}

function pick(o, keys) {
  const out = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
