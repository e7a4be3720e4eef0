// The viewer's frame: the toolbar, the map's box, the side panel with its tabs, the status line,
// the notices about the round and the assignment, the keyboard shortcuts, and what the page offers
// the user to do. main.Viewer extends it with the map, the markups and the live sync.

import { h, clear } from './dom.js';
import { t, applyI18n } from './i18n.js';
import { MARKUP_TOOLS, MEASURE_TOOLS } from './tools.js';
import { renderThread } from './thread.js';
import { Compare } from './compare.js';
import { sheetLabel } from './sheets.js';

export class ViewerLayout {
  build() {
    const tb = (tool, key, keyHint) => h('button', { type: 'button', class: 'tool', id: `tool-${tool}`, dataset: { tool },
      'aria-pressed': 'false', title: `${t(key)}${keyHint ? ` (${keyHint})` : ''}`, onclick: () => this.setTool(tool) }, t(key));
    const canMarkup = this.canMarkup();
    this.compare = new Compare(this);
    this.toolbar = h('div', { class: 'vw-toolbar', role: 'toolbar', 'aria-label': t('tool.label') },
      h('div', { class: 'vw-sheet-title', id: 'sheet-title' },
        // back to the project page at this sheet's own revision (not the latest, maybe a draft)
        this.cfg.project ? h('a', { href: `/projects/${this.cfg.project.id}${this.sheet.submission_id ? `?submission=${this.sheet.submission_id}` : ''}`,
          class: 'back', id: 'viewer-back' }, `← ${t('viewer.back')}`) : null,
        h('strong', null, sheetLabel(this.sheet)), ' ', this.sheet.title || ''),
      h('div', { class: 'group' }, tb('select', 'tool.select', 'Esc'),
        canMarkup ? MARKUP_TOOLS.map((k, i) => tb(k, `tool.${k}`, String(i + 1))) : null),
      h('div', { class: 'group' }, MEASURE_TOOLS.map((k) => tb(k, `tool.${k}`, k === 'measure_distance' ? 'M' : 'A')),
        h('button', { type: 'button', class: 'tool', id: 'snap-toggle', 'aria-pressed': 'false', title: `${t('tool.snap')} (S)`,
          onclick: () => this.toggleSnap() }, t('tool.snap')),
        h('button', { type: 'button', class: 'tool', id: 'measure-clear', onclick: () => this.tools.clearMeasures() }, t('measure.clear'))),
      h('div', { class: 'group' },
        h('button', { type: 'button', class: 'tool', id: 'zoom-in', title: `${t('nav.zoom_in')} (+)`, onclick: () => this.zoomBy(1) }, '+'),
        h('button', { type: 'button', class: 'tool', id: 'zoom-out', title: `${t('nav.zoom_out')} (-)`, onclick: () => this.zoomBy(-1) }, '−'),
        h('button', { type: 'button', class: 'tool', id: 'fit', title: `${t('nav.fit')} (0)`, onclick: () => this.ctx.fit() }, t('nav.fit'))),
      this.compare.button ? h('div', { class: 'group' }, this.compare.button) : null,
      // the side panel folds away (on a phone it sits below the drawing): the drawing gets the room
      h('div', { class: 'group' }, h('button', { type: 'button', class: 'tool', id: 'side-toggle', 'aria-controls': 'side-panel',
        'aria-expanded': 'true', onclick: () => this.showSide(this.body.classList.contains('side-collapsed')) }, t('side.hide'))));
    this.mapEl = h('div', { class: 'vw-map', id: 'map', tabindex: 0, 'aria-label': t('viewer.sheet'), role: 'application' });
    this.progressEl = h('div', { class: 'vw-progress', id: 'progress', role: 'progressbar', hidden: true }, h('span'));
    this.threadEl = h('section', { class: 'vw-thread', id: 'thread', hidden: true, 'aria-label': t('thread.title') });
    this.formEl = h('section', { class: 'vw-thread', id: 'form-panel', hidden: true, 'aria-label': t('markup.new') });
    const tabs = [['list', 'list.title'], ['layers', 'layers.title'], ['search', 'search.title'], ['presence', 'presence.title']];
    this.panes = {};
    const tabBar = h('div', { class: 'vw-tabs', role: 'tablist' });
    for (const [id, key] of tabs) {
      const pane = h('div', { class: 'vw-pane', id: `pane-${id}`, role: 'tabpanel', hidden: id !== 'list' });
      this.panes[id] = pane;
      tabBar.append(h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-selected': id === 'list' ? 'true' : 'false',
        onclick: () => this.showTab(id) }, t(key), id === 'presence' ? h('span', { class: 'badge', id: 'presence-count' }) : null));
    }
    this.side = h('aside', { class: 'vw-side', id: 'side-panel' }, this.formEl, this.threadEl, tabBar, ...Object.values(this.panes));
    this.coordEl = h('span', { id: 'coords' });
    this.measureEl = h('span', { id: 'measure-result' });
    this.tileEl = h('span', { id: 'tile-progress', class: 'muted' });
    this.syncEl = h('span', { id: 'sync-status', class: 'sync' });
    this.hintEl = h('span', { id: 'tool-hint', class: 'tool-hint', role: 'status' }, t('tool.hint.select'));
    this.status = h('footer', { class: 'vw-status' }, this.coordEl, this.measureEl, this.tileEl, this.hintEl,
      h('span', { class: 'muted hint' }, t('nav.keys')), this.syncEl);
    this.body = h('div', { class: 'vw-body' }, h('div', { class: 'vw-map-wrap' }, this.mapEl, this.progressEl, this.compare.legend), this.side);
    this.assignedEl = h('div', { class: 'vw-notice', id: 'assigned-note', role: 'status', hidden: !this.cfg.assigned_elsewhere },
      t('assigned.note'));
    clear(this.root).append(h('div', { class: 'vw' }, this.toolbar, this.roundNotice(), this.assignedEl, this.body, this.status));
    applyI18n(this.root);
  }

  // A reviewer marks up, unless the case is closed (its final report issued: the server refuses)
  // or his discipline's task here is another reviewer's (decision 125: the page says so, from
  // the server's own rule, policy.assigned_elsewhere).
  canMarkup() {
    const r = this.cfg.round || {};
    return this.cfg.user.role === 'reviewer' && !this.cfg.assigned_elsewhere && r.case_stage !== 'approved' &&
      r.case_stage !== 'rejected';
  }

  // May the user change a markup or decide a finding of this discipline (edit, delete, status,
  // confirm, dismiss)? Replies are not asked here: every reviewer with a task here replies.
  mayWrite(discipline) {
    const me = this.cfg.user;
    return me.role === 'reviewer' && me.discipline === discipline && !this.cfg.assigned_elsewhere;
  }

  // The server refused a write with not_assigned (the task was reassigned while the page was
  // open): stop offering the writes it will refuse, and say why.
  lockWrites() {
    if (this.cfg.assigned_elsewhere) return;
    this.cfg.assigned_elsewhere = true;
    if (MARKUP_TOOLS.includes(this.tools.active)) {
      this.tools.cancel();
      this.setTool('select');
    }
    for (const k of MARKUP_TOOLS) {
      const b = this.toolbar.querySelector(`#tool-${k}`);
      if (b) b.remove();
    }
    this.assignedEl.hidden = false;
    if (this.selected) renderThread(this.threadEl, this, this.view(this.selected));
  }

  // Where this sheet's round stands, when it changes what a comment made here means: the case is
  // closed, a newer revision is in, or this round's report is issued (new comments count in the next).
  roundNotice() {
    const r = this.cfg.round;
    if (!r) return null;
    let text = null;
    if (r.case_stage === 'approved' || r.case_stage === 'rejected') {
      text = t('round.closed', { stage: t(`stage.${r.case_stage}`) });
    } else if (r.latest_revision > this.sheet.revision) {
      text = t('round.newer', { rev: this.sheet.revision, latest: r.latest_revision });
    } else if (r.report_issued_at && r.state === 'revision_required') {
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(r.report_issued_at));
      text = t('round.issued', { round: r.round_no, day });
    }
    return text ? h('div', { class: 'vw-notice', id: 'round-notice', role: 'status' }, text) : null;
  }

  // Show or fold away the side panel (comments, layers, search, who is here); a form or a
  // thread that opens in it shows it again.
  showSide(open) {
    if (!this.body || open === !this.body.classList.contains('side-collapsed')) return;
    this.body.classList.toggle('side-collapsed', !open);
    const b = this.toolbar.querySelector('#side-toggle');
    b.setAttribute('aria-expanded', open ? 'true' : 'false');
    b.textContent = t(open ? 'side.hide' : 'side.show');
    if (this.ctx) this.ctx.map.updateSize();
  }

  showTab(id) {
    for (const [k, pane] of Object.entries(this.panes)) {
      pane.hidden = k !== id;
      document.getElementById(`tab-${k}`).setAttribute('aria-selected', k === id ? 'true' : 'false');
    }
  }

  progress(done, total, label) {
    const busy = total > 0 && done < total;
    this.progressEl.hidden = !busy;
    if (busy) {
      this.progressEl.firstChild.style.width = `${Math.round((100 * done) / total)}%`;
      this.progressEl.setAttribute('aria-valuenow', String(Math.round((100 * done) / total)));
      this.progressEl.title = label || '';
    }
  }

  keys() {
    document.addEventListener('keydown', (e) => {
      const tag = (e.target && e.target.tagName) || '';
      if (/INPUT|TEXTAREA|SELECT/.test(tag) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.querySelector('.vw-modal')) return;
      const canMarkup = this.canMarkup();
      if (e.key === 'Escape') {
        this.tools.cancel();
        this.setTool('select');
      } else if (e.key === '0') this.ctx.fit();
      else if ((e.key === '+' || e.key === '=') && e.target !== this.mapEl) this.zoomBy(1);
      else if (e.key === '-' && e.target !== this.mapEl) this.zoomBy(-1);
      else if (canMarkup && /^[1-6]$/.test(e.key)) this.setTool(MARKUP_TOOLS[Number(e.key) - 1]);
      else if (e.key === 'm' || e.key === 'M') this.setTool('measure_distance');
      else if (e.key === 'a' || e.key === 'A') this.setTool('measure_area');
      else if (e.key === 's' || e.key === 'S') this.toggleSnap();
      else return;
      e.preventDefault();
    });
  }
}
