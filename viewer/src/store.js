// The viewer's state: annotations (keyed by their client id, stable from the first local draft to
// the server row), their comment threads, automatic findings, presence.  Server events are applied
// idempotently (upsert by version), so a replayed event changes nothing; local writes not yet
// acknowledged show as an overlay on top of the server's state.

export function normAnnotation(a) {
  const comments = Array.isArray(a.comments) ? a.comments.map(normComment) : [];
  const first = comments[0];
  const author = a.author_name || (a.author && (a.author.display_name || a.author.name)) ||
    (typeof a.author === 'string' ? a.author : '') || a.actor || '';
  return {
    id: a.id ?? null,
    client_id: a.client_id || (a.id != null ? `id:${a.id}` : null),
    project_id: a.project_id,
    sheet_id: a.sheet_id,
    discipline: a.discipline || '',
    kind: a.kind || 'rect',
    geometry: a.geometry || { points: [] },
    severity: a.severity || 'general',
    clause: a.clause || '',
    status: a.status || 'open',
    automatic: !!a.automatic,
    finding_id: a.finding_id ?? null,
    version: a.version ?? 1,
    body: a.body ?? (first ? first.body : ''),
    author,
    author_id: a.author_id ?? (a.author && a.author.id),
    created_at: a.created_at || '',
    updated_at: a.updated_at || '',
    comments: a.body !== undefined || !first ? comments : comments.slice(1),
    deleted: !!a.deleted,
  };
}

export function normComment(c) {
  return {
    id: c.id ?? null,
    client_id: c.client_id || (c.id != null ? `c:${c.id}` : null),
    body: c.body || '',
    author: c.author_name || (c.author && (c.author.display_name || c.author.name)) ||
      (typeof c.author === 'string' ? c.author : '') || c.actor || '',
    created_at: c.created_at || '',
    pending: !!c.pending,
  };
}

export class Store extends EventTarget {
  constructor() {
    super();
    this.recs = new Map(); // client_id -> {data, over, pending, localDelete}
    this.byId = new Map(); // server id -> client_id
    this.findings = new Map(); // finding id -> finding
    this.presence = new Map(); // user key -> {name, sheet_id, discipline}
    this._queued = null;
  }

  changed(what, key) {
    // coalesce bursts (a replay of hundreds of events) into one UI update per frame
    if (!this._queued) {
      this._queued = { what: new Set(), keys: new Set() };
      requestAnimationFrame(() => {
        const q = this._queued;
        this._queued = null;
        this.dispatchEvent(new CustomEvent('change', { detail: q }));
      });
    }
    this._queued.what.add(what);
    if (key) this._queued.keys.add(key);
  }

  view(key) {
    const r = this.recs.get(key);
    if (!r || r.localDelete) return null;
    const v = r.over ? { ...r.data, ...r.over } : { ...r.data };
    v.pending = !!(r.pending || r.over);
    if (r.localComments && r.localComments.length) {
      const have = new Set(v.comments.map((c) => c.client_id));
      v.comments = v.comments.concat(r.localComments.filter((c) => !have.has(c.client_id)));
    }
    return v;
  }

  all() {
    const out = [];
    for (const key of this.recs.keys()) {
      const v = this.view(key);
      if (v && !v.deleted) out.push(v);
    }
    return out;
  }

  keyOfId(id) {
    return this.byId.get(id) || null;
  }

  // --- server state ------------------------------------------------------------------------
  upsert(raw, { force = false } = {}) {
    const a = normAnnotation(raw);
    if (!a.client_id) return null;
    if (a.deleted) return this.remove(a.client_id, a.id);
    const r = this.recs.get(a.client_id);
    if (r && r.data && !force && r.data.id != null && a.version < r.data.version) return a.client_id; // stale
    if (r && r.data && !Array.isArray(raw.comments)) a.comments = r.data.comments; // keep the thread we have
    if (r) {
      r.data = a;
      r.pending = false;
    } else {
      this.recs.set(a.client_id, { data: a, over: null, pending: false, localComments: [] });
    }
    if (a.id != null) this.byId.set(a.id, a.client_id);
    this.changed('annotations', a.client_id);
    return a.client_id;
  }

  patch(id, fields) {
    const key = this.byId.get(id);
    const r = key && this.recs.get(key);
    if (!r) return null;
    if (fields.version != null && fields.version < r.data.version) return key;
    r.data = { ...r.data, ...fields };
    this.changed('annotations', key);
    return key;
  }

  remove(key, id) {
    const k = key || this.byId.get(id);
    if (!k || !this.recs.has(k)) return null;
    const r = this.recs.get(k);
    this.recs.delete(k);
    if (r.data && r.data.id != null) this.byId.delete(r.data.id);
    this.changed('annotations', k);
    return k;
  }

  addComment(annotationId, raw) {
    const key = this.byId.get(annotationId);
    const r = key && this.recs.get(key);
    if (!r) return null;
    const c = normComment(raw);
    if (!r.data.comments.some((x) => (c.client_id && x.client_id === c.client_id) || (c.id != null && x.id === c.id))) {
      r.data.comments = [...r.data.comments, c];
    }
    r.localComments = (r.localComments || []).filter((x) => x.client_id !== c.client_id);
    this.changed('comments', key);
    return key;
  }

  // --- local, not yet acknowledged writes ---------------------------------------------------
  draft(a) {
    const n = normAnnotation(a);
    this.recs.set(n.client_id, { data: n, over: null, pending: true, localComments: [] });
    this.changed('annotations', n.client_id);
  }

  overlay(key, fields) {
    const r = this.recs.get(key);
    if (!r) return;
    r.over = { ...(r.over || {}), ...fields };
    this.changed('annotations', key);
  }

  clearOverlay(key) {
    const r = this.recs.get(key);
    if (!r) return;
    r.over = null;
    this.changed('annotations', key);
  }

  markDeleted(key, on = true) {
    const r = this.recs.get(key);
    if (!r) return;
    r.localDelete = on;
    this.changed('annotations', key);
  }

  localComment(key, c) {
    const r = this.recs.get(key);
    if (!r) return;
    r.localComments = [...(r.localComments || []), normComment({ ...c, pending: true })];
    this.changed('comments', key);
  }

  dropLocalComment(key, clientId) {
    const r = this.recs.get(key);
    if (!r) return;
    r.localComments = (r.localComments || []).filter((c) => c.client_id !== clientId);
    this.changed('comments', key);
  }

  // --- findings and presence ----------------------------------------------------------------
  setFindings(list) {
    this.findings.clear();
    for (const f of list) this.findings.set(f.id, f);
    this.changed('findings');
  }

  updateFinding(id, fields) {
    const f = this.findings.get(id);
    if (f) this.findings.set(id, { ...f, ...fields });
    this.changed('findings');
  }

  setPresence(list) {
    this.presence.clear();
    for (const p of list) this.presence.set(p.key, p);
    this.changed('presence');
  }

  putPresence(p) {
    if (p.gone) this.presence.delete(p.key);
    else this.presence.set(p.key, p);
    this.changed('presence');
  }
}
