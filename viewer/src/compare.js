// Overlay compare with the previous revision of the sheet (GET /api/sheets/{id}/compare): the
// server builds the overlay once (removed red, added green, changed orange, unchanged grey;
// vector for DXF pairs, raster otherwise); while it is on, the map shows the overlay's tiles
// and a legend with the method and the counts.  Only offered when the sheet
// has a matched previous-revision sheet.

import { get } from './api.js';
import { h, clear, toast } from './dom.js';
import { t, serverMessage } from './i18n.js';
import { zoomToSheetBox } from './map.js';
import { sheetLabel } from './sheets.js';

const POLL_MS = 800;

export class Compare {
  constructor(app) {
    this.app = app;
    this.on = false;
    this.data = null;
    this.timer = null;
    this.available = Boolean(app.sheet.matched_sheet_id);
    this.button = this.available ? h('button', { type: 'button', class: 'tool', id: 'compare-toggle', 'aria-pressed': 'false',
      title: t('compare.toggle'), onclick: () => this.toggle() }, t('compare.toggle')) : null;
    this.legend = h('div', { class: 'vw-legend', id: 'compare-legend', hidden: true, role: 'note', 'aria-label': t('compare.legend') });
  }

  tileUrl(z, x, y) {
    return this.on && this.data ? `/api/sheets/${this.app.sheet.id}/compare/tiles/${z}/${x}/${y}.png` : null;
  }

  async toggle() {
    if (this.on) return this.setOn(false);
    this.button.setAttribute('aria-busy', 'true');
    try {
      this.data = await this.load();
      if (this.data) this.setOn(true);
    } finally {
      this.button.removeAttribute('aria-busy');
    }
  }

  async load() {
    const deadline = Date.now() + 120000;
    this.renderLegend(null, t('compare.pending'));
    this.legend.hidden = false;
    for (;;) {
      let data;
      try {
        data = await get(`/api/sheets/${this.app.sheet.id}/compare`);
      } catch (e) {
        this.legend.hidden = true;
        toast(t('compare.failed', { msg: serverMessage(e) || e.message }), 'error');
        return null;
      }
      if (data.state === 'ready') return data;
      if (data.state === 'failed') {
        this.legend.hidden = true;
        const lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
        toast(t('compare.failed', { msg: (data.error && (data.error[lang] || data.error.en)) || '' }), 'error');
        return null;
      }
      if (data.state === 'none' || Date.now() > deadline) {
        this.legend.hidden = true;
        toast(t('compare.failed', { msg: t('compare.none') }), 'error');
        return null;
      }
      await new Promise((r) => { this.timer = setTimeout(r, POLL_MS); });
    }
  }

  setOn(on) {
    this.on = on && Boolean(this.data);
    this.button.setAttribute('aria-pressed', this.on ? 'true' : 'false');
    this.legend.hidden = !this.on;
    if (this.on) this.renderLegend(this.data);
    this.app.mapEl.classList.toggle('comparing', this.on);
    this.app.layersChanged();
  }

  renderLegend(data, note) {
    const lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
    clear(this.legend).append(h('strong', null, t('compare.legend')));
    if (!data) {
      this.legend.append(h('div', { class: 'muted' }, note || ''));
      return;
    }
    const prev = data.previous || {};
    this.legend.append(h('div', { class: 'muted', id: 'compare-previous' },
      t('compare.previous', { name: sheetLabel(prev, { title: true }) })));
    if (data.method === 'vector' || data.method === 'raster') {
      this.legend.append(h('div', { class: 'muted', id: 'compare-method', dataset: { method: data.method },
        title: t(`compare.method.hint.${data.method}`) }, t(`compare.method.${data.method}`)));
    }
    const list = h('ul', null);
    for (const item of data.legend) {
      if (item.kind === 'unchanged') continue;
      const n = data.counts ? data.counts[item.kind] : null;
      list.append(h('li', { dataset: { kind: item.kind } },
        h('span', { class: 'swatch', style: `background:${item.color}` }), ' ', item[lang] || item.en,
        n != null ? h('span', { class: 'count' }, ` ${n}`) : null));
    }
    const same = data.legend.find((i) => i.kind === 'unchanged');
    if (same) list.append(h('li', { dataset: { kind: 'unchanged' } }, h('span', { class: 'swatch', style: `background:${same.color}` }), ' ', same[lang] || same.en));
    this.legend.append(list);
    this.renderSteps(data, lang);
  }

  // The changes one by one: a list in reading order (top to bottom, left to right), with
  // previous / next; each step zooms to the changed region with some of its surroundings.
  renderSteps(data, lang) {
    // changes on layers hidden by default (off or not plotted in the drawing) are not drawn on
    // the overlay: the steps skip them and one line says how many there are, and on which layers
    const regions = (data.regions || []).filter((r) => !r.hidden)
      .sort((a, b) => (a.bbox[1] - b.bbox[1]) || (a.bbox[0] - b.bbox[0]));
    this.regions = regions;
    this.step = -1;
    const hidden = data.hidden || {};
    const unseen = (hidden.added || 0) + (hidden.removed || 0) + (hidden.changed || 0);
    if (unseen) {
      this.legend.append(h('div', { class: 'muted', id: 'compare-hidden' },
        t('compare.hidden', { n: unseen, layers: (hidden.layers || []).join('、') })));
    }
    if (!regions.length) {
      if (!unseen) this.legend.append(h('div', { class: 'muted', id: 'compare-no-changes' }, t('compare.no_changes')));
      return;
    }
    const names = Object.fromEntries(data.legend.map((i) => [i.kind, i[lang] || i.en]));
    const colours = Object.fromEntries(data.legend.map((i) => [i.kind, i.color]));
    this.counterEl = h('span', { id: 'compare-step', class: 'muted' }, t('compare.steps', { n: regions.length }));
    const nav = h('div', { class: 'compare-nav' },
      h('button', { type: 'button', class: 'tool', id: 'compare-prev', title: t('compare.prev'), onclick: () => this.goto(this.step - 1) }, '◀'),
      this.counterEl,
      h('button', { type: 'button', class: 'tool', id: 'compare-next', title: t('compare.next'), onclick: () => this.goto(this.step + 1) }, '▶'));
    this.stepsEl = h('ol', { id: 'compare-changes', class: 'compare-changes' },
      regions.map((r, i) => h('li', { dataset: { kind: r.kind, index: String(i) }, tabindex: '0', role: 'button',
        onclick: () => this.goto(i), onkeydown: (e) => { if (e.key === 'Enter') this.goto(i); } },
        h('span', { class: 'swatch', style: `background:${colours[r.kind] || '#888'}` }), ' ', `${names[r.kind] || r.kind} ${i + 1}`)));
    this.legend.append(nav, this.stepsEl);
  }

  goto(i) {
    if (!this.regions || !this.regions.length) return;
    const n = this.regions.length;
    this.step = ((i % n) + n) % n;
    const r = this.regions[this.step];
    const [x0, y0, x1, y1] = r.bbox;
    const sheetSize = Math.max(this.app.sheet.width || 0, this.app.sheet.height || 0);
    const pad = Math.max(10, sheetSize * 0.04);
    zoomToSheetBox(this.app.ctx, [x0 - pad, y0 - pad, x1 + pad, y1 + pad], { padding: 60 });
    this.counterEl.textContent = t('compare.step', { i: this.step + 1, n });
    this.counterEl.dataset.step = String(this.step + 1);
    for (const li of this.stepsEl.children) li.classList.toggle('current', Number(li.dataset.index) === this.step);
  }
}
