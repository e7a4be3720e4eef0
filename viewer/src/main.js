// The shared browser viewer: boots from the page's JSON config (drawreview/web/viewer.py), builds
// the layout, the map, the panels, and wires the store to the websocket (sync.js).

import 'ol/ol.css';
import './style.css';
import { get, setCsrf, asList, getOptional } from './api.js';
import { clear, toast } from './dom.js';
import { t } from './i18n.js';
import { createMap, zoomToSheetBox, boxOfPoints } from './map.js';
import { featureOf, styleFn, DISCIPLINE_COLORS } from './markups.js';
import { MarkupList, passes, renderLayers, renderSearch, renderPresence, findingText } from './panels.js';
import { Store } from './store.js';
import { Sync } from './sync.js';
import { Tools, measurer } from './tools.js';
import { renderThread } from './thread.js';
import { Writes } from './writes.js';
import { sheetLabel } from './sheets.js';
import { ViewerLayout } from './layout.js';

const FINDING_SEVERITY = { error: 'mandatory', warning: 'general', info: 'suggestion' };

class Viewer extends ViewerLayout {
  constructor(cfg, root) {
    super();
    this.cfg = cfg;
    this.sheet = cfg.sheet;
    this.root = root;
    this.store = new Store();
    this.filters = { discipline: '', status: '', severity: '', sheet: 'this', source: '' };
    this.hidden = new Set(); // layers the reviewer hid
    this.shown = new Set(); // layers off by default (off or not plotted in the drawing) the reviewer showed
    this.selected = null;
    this.library = null;
    this.sheetNames = new Map((cfg.sheets || []).map((s) => [s.id, this.labelSheet(s)]));
    setCsrf(cfg.csrf_token);
  }

  labelSheet(s) {
    return sheetLabel(s);
  }

  sheetName(id) {
    return this.sheetNames.get(id) || (id != null ? `#${id}` : '');
  }

  // --- map ---------------------------------------------------------------------------------
  tileUrl(z, x, y) {
    const overlay = this.compare && this.compare.tileUrl(z, x, y);
    if (overlay) return overlay;
    const q = this.layerQuery();
    return `/api/sheets/${this.sheet.id}/tiles/${z}/${x}/${y}.png${q ? `?${q}` : ''}`;
  }

  // The layer state as the tiles and the snapping vertices take it: each name percent-encoded,
  // then comma-joined (a name may hold a comma: hiding `A,B` is not hiding `A` and `B`).
  layerQuery() {
    const part = (key, names) => (names.size ? `${key}=${[...names].sort().map(encodeURIComponent).join(',')}` : '');
    return [part('hidden', this.hidden), part('shown', this.shown)].filter(Boolean).join('&');
  }

  initMap() {
    this.ctx = createMap({
      target: this.mapEl,
      sheet: this.sheet,
      tileUrl: (z, x, y) => this.tileUrl(z, x, y),
      onTileProgress: (done, total) => {
        this.tileEl.textContent = total && done < total ? t('viewer.tiles', { done, total }) : '';
        this.progress(done, total, t('viewer.tiles', { done, total }));
      },
    });
    this.ctx.markups.setStyle(styleFn(() => this.selected));
    // counts finished renders (every tile in view loaded and faded in): tools and tests can
    // wait for the picture to settle instead of guessing a delay
    this.ctx.map.on('rendercomplete', () => {
      this.mapEl.dataset.rendered = String(Number(this.mapEl.dataset.rendered || 0) + 1);
    });
    this.ctx.fit(0);
    const m = measurer(this.sheet);
    this.ctx.map.on('pointermove', (e) => {
      const [px, py] = [e.coordinate[0], -e.coordinate[1]];
      const [dx, dy] = m.toDrawing([px, py]);
      const units = this.sheet.units || (m.scaled ? '' : t('unit.pt'));
      this.coordEl.textContent = `${t('nav.coords')} X ${dx.toFixed(m.scaled ? 0 : 1)}  Y ${dy.toFixed(m.scaled ? 0 : 1)} ${units}`;
    });
    this.ctx.map.on('singleclick', (e) => {
      if (this.tools.active !== 'select') return;
      let key = null;
      this.ctx.map.forEachFeatureAtPixel(e.pixel, (f) => {
        key = f.getId();
        return true;
      }, { layerFilter: (l) => l === this.ctx.markups, hitTolerance: 4 });
      this.select(key);
    });
    this.tools = new Tools({ ctx: this.ctx, sheet: this.sheet, layerQuery: () => this.layerQuery(),
      onMarkup: (kind, points) => this.writes.newMarkup(kind, points),
      onMeasure: (text) => { this.measureEl.textContent = text; } });
  }

  toggleSnap() {
    this.tools.setSnap(!this.tools.snapOn);
    const b = this.toolbar.querySelector('#snap-toggle');
    if (b) b.setAttribute('aria-pressed', this.tools.snapOn ? 'true' : 'false');
  }

  setTool(tool) {
    if (this.formEl && !this.formEl.hidden) return; // finish the open form first
    this.tools.set(tool);
    for (const b of this.toolbar.querySelectorAll('button[data-tool]')) {
      b.setAttribute('aria-pressed', b.dataset.tool === tool ? 'true' : 'false');
    }
    this.mapEl.classList.toggle('drawing', tool !== 'select');
    if (this.hintEl) this.hintEl.textContent = t(`tool.hint.${tool}`);
    this.mapEl.focus({ preventScroll: true });
  }

  zoomBy(delta) {
    const v = this.ctx.view;
    v.animate({ zoom: v.getZoom() + delta, duration: 200 });
  }

  layersChanged() {
    // the tile cache's key: the query itself (names encoded), so `A,B` and `A` + `B` differ
    const key = this.compare && this.compare.on ? 'compare' : `layers:${this.layerQuery()}`;
    this.ctx.source.setTileUrlFunction((c) => this.tileUrl(c[0], c[1], c[2]), key);
    this.mapEl.dataset.layerKey = key;
    if (this.tools && this.tools.snap) this.tools.loadVertices(); // snap only to what is shown
  }

  // --- markups on the map and in the list ------------------------------------------------
  views() {
    const out = [];
    for (const v of this.store.all()) {
      v.key = v.client_id;
      out.push(v);
    }
    for (const f of this.store.findings.values()) {
      if (f.state !== 'new') continue;
      // a finding about the whole sheet (units, the file's structure...) has no place on the map:
      // it is listed all the same (the designer's pre-check counts it and sends him to look for it)
      out.push({ key: `finding:${f.id}`, isFinding: true, finding: f, id: null, sheet_id: f.sheet_id, discipline: f.discipline,
        kind: 'rect', geometry: f.rect ? { points: f.rect } : null, wholeSheet: !f.rect, severity: FINDING_SEVERITY[f.severity] || f.severity || 'general',
        status: 'open', automatic: true, body: findingText(f), clause: '', author: t('markup.automatic'),
        created_at: f.created_at, comments: [] });
    }
    return out;
  }

  view(key) {
    if (!key) return null;
    if (key.startsWith('finding:')) return this.views().find((v) => v.key === key) || null;
    const v = this.store.view(key);
    if (v) v.key = key;
    return v;
  }

  refreshMap(keys) {
    const src = this.ctx.markupSource;
    const f = { ...this.filters, sheet: 'this' };
    if (!keys) {
      const feats = [];
      for (const v of this.views()) {
        if (!passes(v, f, this.sheet.id)) continue;
        const feat = featureOf(v.key, v);
        if (feat) feats.push(feat);
      }
      src.clear(true);
      src.addFeatures(feats);
      return;
    }
    for (const key of keys) {
      const old = src.getFeatureById(key);
      if (old) src.removeFeature(old);
      const v = this.view(key);
      if (v && passes(v, f, this.sheet.id)) {
        const feat = featureOf(key, v);
        if (feat) src.addFeature(feat);
      }
    }
  }

  renderList() {
    const items = this.views().filter((v) => passes(v, this.filters, this.sheet.id));
    const sid = this.sheet.id;
    items.sort((a, b) => ((b.sheet_id === sid) - (a.sheet_id === sid)) ||
      String(b.created_at).localeCompare(String(a.created_at)));
    this.list.render(items);
  }

  filtersChanged() {
    this.refreshMap();
    this.renderList();
  }

  select(key, { zoom = false } = {}) {
    const prev = this.selected;
    this.selected = key;
    const v = this.view(key);
    if (key && !v) this.selected = null;
    if (v && v.sheet_id !== this.sheet.id) {
      location.href = `/sheets/${v.sheet_id}#markup=${encodeURIComponent(key)}`;
      return;
    }
    for (const k of [prev, this.selected]) {
      const feat = k && this.ctx.markupSource.getFeatureById(k);
      if (feat) feat.changed();
    }
    renderThread(this.threadEl, this, v);
    // the open markup is in the address, so a reload (the language switch) or a copied link
    // opens the same thread; replaceState: no history entry per click
    const hash = this.selected ? `#markup=${encodeURIComponent(this.selected)}` : '';
    if (location.hash !== hash) history.replaceState(history.state, '', location.pathname + location.search + hash);
    for (const li of this.list.listEl.querySelectorAll('.vw-item')) {
      const on = li.dataset.key === this.selected;
      li.classList.toggle('selected', on);
      li.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    if (v && zoom && v.geometry && v.geometry.points && v.geometry.points.length) {
      // with its surroundings: at least about a sixth of the sheet around it, never one glyph
      const box = boxOfPoints(v.geometry.points);
      const size = Math.max(box[2] - box[0], box[3] - box[1]);
      const sheetSize = Math.max(this.sheet.width || 0, this.sheet.height || 0);
      const pad = Math.max(20, size * 0.5, sheetSize * 0.08);
      zoomToSheetBox(this.ctx, [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]);
    }
  }

  // --- writes (thread.js calls these) ------------------------------------------------------
  reply(key, body) { this.writes.reply(key, body); }
  setStatus(key, status) { this.writes.setStatus(key, status); }
  editMarkup(key) { this.writes.editMarkup(key); }
  deleteMarkup(key) { this.writes.deleteMarkup(key); }
  confirmFinding(id) { this.writes.confirmFinding(id); }
  dismissFinding(id, reason) { this.writes.dismissFinding(id, reason); }

  // --- search ------------------------------------------------------------------------------
  async searchTexts(q) {
    try {
      return asList(await get(`/api/sheets/${this.sheet.id}/texts?q=${encodeURIComponent(q)}`), 'texts');
    } catch (e) {
      toast(t('sync.error', { msg: e.message }), 'error');
      return [];
    }
  }

  showHit(hit) {
    const b = hit.bbox;
    if (!b) return;
    zoomToSheetBox(this.ctx, b, { padding: 120 });
    this.ctx.sketchSource.getFeatures().filter((f) => f.get('hit')).forEach((f) => this.ctx.sketchSource.removeFeature(f));
    const feat = featureOf('hit', { kind: 'rect', geometry: { points: [[b[0] - 2, b[1] - 2], [b[2] + 2, b[3] + 2]] }, discipline: 'other' });
    feat.set('hit', true);
    this.ctx.sketchSource.addFeature(feat);
  }

  // --- boot --------------------------------------------------------------------------------
  async start() {
    this.build();
    this.initMap();
    this.list = new MarkupList({ root: this.panes.list, app: this });
    renderLayers(this.panes.layers, this);
    renderSearch(this.panes.search, this);
    this.keys();
    this.store.addEventListener('change', (e) => this.onChange(e.detail));
    this.writes = new Writes(this);
    this.progress(0, 3, t('viewer.loading_markups'));
    let done = 0;
    const step = () => this.progress(++done, 3, t('viewer.loading_markups'));
    const sid = this.sheet.id;
    const pid = this.cfg.project.id;
    const [anns, findings, lib] = await Promise.all([
      get(`/api/projects/${pid}/annotations`).then((d) => (step(), asList(d, 'annotations'))).catch((e) => (step(), this.loadError(e), [])),
      // every sheet's findings, so the "all sheets" filter lists them too (the map shows this sheet's)
      getOptional(`/api/projects/${pid}/findings`).then((d) => (step(), asList(d, 'findings'))).catch(() => (step(), [])),
      getOptional('/api/annotation-library').catch(() => null),
    ]);
    if (lib && lib.palette) Object.assign(DISCIPLINE_COLORS, lib.palette);
    this.library = lib && lib.comments;
    for (const a of anns) this.store.upsert(a);
    this.store.setFindings(findings.map((f) => ({ ...f, sheet_id: f.sheet_id ?? sid })));
    this.writes.restoreOutbox();
    this.sync = new Sync({ projectId: pid, since: this.cfg.seq || 0, storageKey: `drawreview.outbox.${pid}.${this.cfg.user.id}`,
      prepare: (op) => this.writes.wire(op), maxBytes: this.cfg.limits && this.cfg.limits.max_message_bytes });
    this.writes.attach(this.sync);
    this.sync.setPresence({ sheet_id: sid });
    this.sync.start();
    this.refreshMap();
    this.renderList();
    const m = /markup=([^&]+)/.exec(location.hash);
    if (m) this.select(decodeURIComponent(m[1]), { zoom: true });
    const byId = /annotation=(\d+)/.exec(location.hash);  // the project page's comment list links by id
    if (byId && this.store.keyOfId(Number(byId[1]))) this.select(this.store.keyOfId(Number(byId[1])), { zoom: true });
    this.root.dataset.ready = '1';
  }

  loadError(e) {
    toast(t('viewer.load_failed', { msg: e.message }), 'error', 8000);
  }

  onChange({ what, keys }) {
    if (what.has('annotations') || what.has('findings') || what.has('comments')) {
      if (what.has('findings') || keys.size > 200) this.refreshMap();
      else this.refreshMap([...keys]);
      this.renderList();
      if (this.selected && (keys.has(this.selected) || what.has('findings'))) {
        const v = this.view(this.selected);
        if (!v) this.selected = null;
        const focused = document.activeElement && this.threadEl.contains(document.activeElement) ? document.activeElement.id : null;
        const draft = document.getElementById('reply-body');
        const keep = draft ? draft.value : '';
        renderThread(this.threadEl, this, v);
        const again = document.getElementById('reply-body');
        if (again && keep) again.value = keep;
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
      }
    }
    if (what.has('presence')) {
      const n = renderPresence(this.panes.presence, this);
      const badge = document.getElementById('presence-count');
      if (badge) badge.textContent = n ? String(n) : '';
    }
  }
}

async function boot() {
  const root = document.getElementById('viewer-root');
  const cfgEl = document.getElementById('viewer-config');
  if (!root || !cfgEl) return;
  const cfg = JSON.parse(cfgEl.textContent);
  const meta = document.querySelector('meta[name="csrf-token"]');
  cfg.csrf_token = cfg.csrf_token || (meta && meta.content);
  document.body.classList.add('viewer-page');
  const viewer = new Viewer(cfg, root);
  window.drawreviewViewer = viewer; // for tests, benchmarks and the console
  try {
    await viewer.start();
  } catch (e) {
    console.error(e);
    root.dataset.error = String(e && e.message);
    toast(t('viewer.load_failed', { msg: e && e.message }), 'error', 10000);
  }
}

boot();
