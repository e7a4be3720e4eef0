// Side panels: the markups list with its filters, layers, text search, presence.

import { h, clear, fmtTime } from './dom.js';
import { t, lang } from './i18n.js';
import { colorOf } from './markups.js';
import { get } from './api.js';

const LIST_PAGE = 200;
export const DISCIPLINES = ['planning', 'fire', 'civil_defence', 'lightning', 'meteorology', 'drawing'];
export const STATUSES = ['open', 'answered', 'closed'];
export const SEVERITIES = ['mandatory', 'general', 'suggestion'];

function select(id, labelKey, options, value, onchange) {
  return h('label', { class: 'vw-filter' }, h('span', null, t(labelKey)),
    h('select', { id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, label]) => h('option', { value: v, selected: v === value }, label))));
}

export function passes(v, f, sheetId) {
  if (f.discipline && v.discipline !== f.discipline) return false;
  if (f.status && v.status !== f.status) return false;
  if (f.severity && v.severity !== f.severity) return false;
  if (f.source === 'automatic' && !v.automatic) return false;
  if (f.source === 'manual' && v.automatic) return false;
  if (f.sheet === 'this' && v.sheet_id !== sheetId) return false;
  if (f.sheet && f.sheet !== 'this' && f.sheet !== 'all' && String(v.sheet_id) !== f.sheet) return false;
  return true;
}

export class MarkupList {
  constructor({ root, app }) {
    this.root = root;
    this.app = app;
    this.limit = LIST_PAGE;
    this.filtersEl = h('div', { class: 'vw-filters' });
    this.countEl = h('div', { class: 'vw-count muted', 'aria-live': 'polite' });
    this.listEl = h('ul', { class: 'vw-list', id: 'markup-list', role: 'listbox', 'aria-label': t('list.title') });
    this.moreEl = h('div');
    root.append(this.filtersEl, this.countEl, this.listEl, this.moreEl);
    this.renderFilters();
  }

  renderFilters() {
    const f = this.app.filters;
    const all = [['', t('filter.all')]];
    const set = (k) => (v) => {
      f[k] = v;
      this.limit = LIST_PAGE;
      this.app.filtersChanged();
    };
    clear(this.filtersEl).append(
      this.sheetPicker(f, set('sheet')),
      select('f-discipline', 'filter.discipline', all.concat(DISCIPLINES.map((d) => [d, t(`discipline.${d}`)])), f.discipline, set('discipline')),
      select('f-status', 'filter.status', all.concat(STATUSES.map((s) => [s, t(`status.${s}`)])), f.status, set('status')),
      select('f-severity', 'filter.severity', all.concat(SEVERITIES.map((s) => [s, t(`severity.${s}`)])), f.severity, set('severity')),
      select('f-source', 'filter.auto', [['', t('filter.all')], ['manual', t('filter.auto.manual')], ['automatic', t('filter.auto.automatic')]], f.source, set('source')),
    );
  }

  // The sheet filter: this sheet, all sheets, or one sheet found by searching the project's
  // sheets (number or title, through the paged sheet list API) — a 5,000-sheet project is never
  // one long list of options. The page config carries at most a few hundred names.
  sheetPicker(f, onchange) {
    const fixed = [['this', t('filter.this_sheet')], ['all', t('filter.all')]];
    const known = (this.app.cfg.sheets || []).filter((s) => s.id !== this.app.sheet.id);
    const few = !this.app.cfg.sheets_more;
    const optionsOf = (sheets) => fixed.concat(sheets.map((s) => [String(s.id), this.app.labelSheet(s)]));
    let shown = few ? known : known.filter((s) => String(s.id) === f.sheet);
    const sel = h('select', { id: 'f-sheet', onchange: (e) => onchange(e.target.value) });
    const fill = (sheets) => {
      const chosen = sel.value || f.sheet;
      clear(sel).append(...optionsOf(sheets).map(([v, label]) => h('option', { value: v, selected: v === chosen }, label)));
    };
    fill(shown);
    let timer = null;
    let asked = 0;
    const search = h('input', { type: 'search', id: 'f-sheet-search', placeholder: t('filter.sheet_search'),
      'aria-label': t('filter.sheet_search'), autocomplete: 'off',
      oninput: (e) => {
        clearTimeout(timer);
        const q = e.target.value.trim();
        timer = setTimeout(async () => {
          const n = ++asked;
          if (!q) { fill(shown); return; }
          const url = `/api/projects/${this.app.cfg.project.id}/sheets?limit=20&state=ready&q=${encodeURIComponent(q)}`;
          let found = [];
          try { found = await get(url); } catch (_) { found = []; }
          if (n !== asked) return; // a later search answered first
          found = found.filter((s) => s.id !== this.app.sheet.id);
          found.forEach((s) => this.app.sheetNames.set(s.id, this.app.labelSheet(s)));
          fill(found);
          sel.dataset.results = String(found.length);
        }, 250);
      } });
    return h('label', { class: 'vw-filter vw-sheet-picker' }, h('span', null, t('filter.sheet')), search, sel);
  }

  render(items) {
    const sel = this.app.selected;
    // a live change re-renders the list under a keyboard user: keep the focus on the item it was
    // on (or, if that one went, on the one now in its place), never drop it to the page
    const active = document.activeElement;
    const focused = active && active.parentNode === this.listEl && active.dataset.key != null
      ? { key: active.dataset.key, index: [...this.listEl.children].indexOf(active) } : null;
    this.countEl.textContent = t('list.count', { n: items.length });
    const frag = document.createDocumentFragment();
    if (!items.length) frag.append(h('li', { class: 'muted empty' }, t('list.empty')));
    for (const v of items.slice(0, this.limit)) frag.append(this.item(v, v.key === sel));
    clear(this.listEl).append(frag);
    if (focused) {
      const rows = [...this.listEl.querySelectorAll('.vw-item')];
      const again = rows.find((li) => li.dataset.key === focused.key) || rows[Math.min(focused.index, rows.length - 1)];
      if (again) again.focus({ preventScroll: true });
    }
    clear(this.moreEl);
    if (items.length > this.limit) {
      this.moreEl.append(h('button', { type: 'button', class: 'link', onclick: () => {
        this.limit += LIST_PAGE;
        this.app.renderList();
      } }, `+ ${Math.min(LIST_PAGE, items.length - this.limit)}`));
    }
  }

  item(v, selected) {
    const sheet = v.sheet_id !== this.app.sheet.id ? this.app.sheetName(v.sheet_id) : null;
    const text = v.kind === 'text' && v.geometry && v.geometry.text ? v.geometry.text : v.body;
    return h('li', {
      class: `vw-item${selected ? ' selected' : ''}${v.status === 'closed' ? ' closed' : ''}`,
      role: 'option', 'aria-selected': selected ? 'true' : 'false', tabindex: 0,
      dataset: { key: v.key, status: v.status, discipline: v.discipline },
      style: { borderLeftColor: colorOf(v.discipline) },
      onclick: () => this.app.select(v.key, { zoom: true }),
      onkeydown: (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.app.select(v.key, { zoom: true });
          return;
        }
        // a listbox: the arrows, Home and End move between its items
        const rows = [...this.listEl.querySelectorAll('.vw-item')];
        const at = rows.indexOf(e.currentTarget);
        const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[e.key];
        if (to === undefined) return;
        e.preventDefault();
        e.stopPropagation(); // not the map's arrow-key panning
        const next = rows[Math.max(0, Math.min(rows.length - 1, to))];
        if (next) next.focus();
      },
    },
    h('div', { class: 'vw-item-head' },
      h('span', { class: 'chip disc', style: { background: colorOf(v.discipline) } }, t(`discipline.${v.discipline}`)),
      h('span', { class: `chip sev-${v.severity}` }, t(`severity.${v.severity}`)),
      h('span', { class: `chip st-${v.status}` }, t(`status.${v.status}`)),
      v.automatic ? h('span', { class: 'chip auto' }, t('markup.automatic')) : null,
      v.wholeSheet ? h('span', { class: 'chip whole-sheet' }, t('finding.whole_sheet')) : null,
      v.pending ? h('span', { class: 'chip pending' }, t('markup.pending')) : null),
    h('div', { class: 'vw-item-body' }, (text || t(`kind.${v.kind}`)).slice(0, 120)),
    h('div', { class: 'vw-item-meta muted' },
      [v.author, fmtTime(v.updated_at || v.created_at), sheet ? t('markup.on_other_sheet', { sheet }) : '',
        v.comments && v.comments.length ? `${t('thread.replies')} ${v.comments.length}` : ''].filter(Boolean).join(' · ')));
  }
}

export function renderLayers(root, app) {
  const layers = app.sheet.layers || [];
  clear(root);
  if (!layers.length) {
    root.append(h('p', { class: 'muted' }, t('layers.none')));
    return;
  }
  // the sheet shows the drawing as plotted: a layer off or not plotted in the drawing is in the
  // sheet but hidden by default (unticked, with a note; ticking it shows it: ?shown=); a frozen
  // layer is not in the sheet at all (unticked and disabled, as AutoCAD does not draw it)
  const frozen = (l) => l.frozen === true;
  const byDefault = (l) => !frozen(l) && l.on !== false && l.plot !== false;
  const isShown = (l) => !frozen(l) && !app.hidden.has(l.name) && (byDefault(l) || app.shown.has(l.name));
  const noteOf = (l) => (frozen(l) ? 'layers.frozen' : l.on === false ? 'layers.off' : l.plot === false ? 'layers.noplot' : null);
  const setAll = (on) => { // "show all": every layer as issued; "hide all": none
    app.hidden = on ? new Set() : new Set(layers.filter((l) => !frozen(l)).map((l) => l.name));
    if (!on) app.shown = new Set();
    app.layersChanged();
    renderLayers(root, app);
  };
  root.append(h('div', { class: 'vw-row' },
    h('button', { type: 'button', class: 'small', onclick: () => setAll(true) }, t('layers.all_on')),
    h('button', { type: 'button', class: 'small', onclick: () => setAll(false) }, t('layers.all_off'))));
  const ul = h('ul', { class: 'vw-layers', id: 'layer-list' });
  for (const l of layers) {
    const id = `layer-${l.name.replace(/[^A-Za-z0-9_-]/g, (c) => c.charCodeAt(0).toString(16))}`;
    // a layer hidden by default may reach beyond the page (fitted to the plot): cut when shown
    const note = noteOf(l) ? t(noteOf(l)) + (l.beyond_page ? ` ${t('layers.beyond_page')}` : '') : null;
    ul.append(h('li', { class: note ? 'shut' : null, title: note }, h('label', { for: id },
      h('input', { type: 'checkbox', id, checked: isShown(l), disabled: frozen(l),
        dataset: { layer: l.name },
        onchange: (e) => {
          if (e.target.checked) {
            app.hidden.delete(l.name);
            if (!byDefault(l)) app.shown.add(l.name);
          } else {
            app.shown.delete(l.name);
            if (byDefault(l)) app.hidden.add(l.name);
          }
          app.layersChanged();
        } }),
      h('span', { class: 'swatch', style: { background: l.color || '#000' } }),
      h('span', { class: 'lname' }, l.name),
      note ? h('span', { class: 'muted shut-note' }, note) : null,
      h('span', { class: 'muted count' }, t('layers.count', { n: l.count ?? 0 })))));
  }
  root.append(ul);
}

export function renderSearch(root, app) {
  const input = h('input', { type: 'search', id: 'search-input', 'aria-label': t('search.title'), placeholder: t('search.placeholder') });
  const results = h('ul', { class: 'vw-results', id: 'search-results' });
  const status = h('div', { class: 'muted', 'aria-live': 'polite' });
  const go = async () => {
    const q = input.value.trim();
    if (!q) return;
    status.textContent = '…';
    const hits = await app.searchTexts(q);
    clear(results);
    status.textContent = hits.length ? t('search.count', { n: hits.length }) : t('search.none', { q });
    hits.forEach((hit, i) => {
      // lettering on a layer hidden by default (off or not plotted in the drawing) is listed
      // last, saying so: it is not on the sheet until that layer is ticked
      results.append(h('li', { class: hit.hidden ? 'shut' : null }, h('button', { type: 'button', class: 'link', onclick: () => app.showHit(hit) },
        `${i + 1}. ${hit.text}`), hit.hidden ? h('span', { class: 'muted shut-note' }, t('search.hidden_layer', { layer: hit.layer })) : null));
    });
    if (hits.length) app.showHit(hits[0]);
  };
  clear(root).append(
    h('form', { class: 'vw-row', onsubmit: (e) => {
      e.preventDefault();
      go();
    } }, input, h('button', { type: 'submit', id: 'search-go' }, t('search.go'))),
    status, results);
}

export function renderPresence(root, app) {
  clear(root);
  const people = [...app.store.presence.values()];
  const ul = h('ul', { class: 'vw-presence', id: 'presence-list' });
  for (const p of people) {
    const here = p.sheet_id === app.sheet.id;
    ul.append(h('li', { dataset: { user: p.key } },
      h('span', { class: 'dot', style: { background: colorOf(p.discipline) } }),
      h('span', null, p.name + (p.user_id === app.cfg.user.id ? ' ' + t('presence.you') : '')),
      h('span', { class: 'muted' }, ' · ' + (here ? t('presence.here')
        : p.sheet_id == null ? t('presence.project') // the project page (its live list), no sheet open
          : t('presence.other', { sheet: app.sheetName(p.sheet_id) || '—' })))));
  }
  root.append(ul);
  return people.length;
}

export function findingText(f) {
  const d = f.data || {};
  const en = lang() === 'en';
  return (en ? d.message_en || d.title_en : d.message_zh || d.title_zh) || d.message || d.title || f.rule_id;
}
