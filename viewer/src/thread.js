// The detail panel: the form for a new (or edited) markup, and a markup's comment thread with
// replies, status changes (open → answered → closed, reopen), and finding decisions.

import { h, clear, fmtTime, dialog, prompt } from './dom.js';
import { t, lang } from './i18n.js';
import { colorOf } from './markups.js';
import { SEVERITIES, findingText } from './panels.js';

function libraryPicker(app, onPick) {
  const disc = app.cfg.user.discipline;
  const rows = (app.library && disc && app.library[disc]) || [];
  if (!rows.length) return null;
  const sel = h('select', { id: 'library-select', 'aria-label': t('markup.library') },
    h('option', { value: '' }, `— ${t('markup.library')} —`),
    rows.map((r) => h('option', { value: r.id }, `${r.id} ${(r.text[lang()] || r.text['zh-CN']).slice(0, 40)}`)));
  return h('div', { class: 'vw-row' }, sel, h('button', { type: 'button', class: 'small', id: 'library-insert', onclick: () => {
    const r = rows.find((x) => x.id === sel.value);
    if (r) onPick(r);
  } }, t('markup.library_insert')));
}

// resolves {body, severity, clause, text} or null (cancelled)
export function markupForm(root, app, { kind, initial = {}, title }) {
  return new Promise((resolve) => {
    const body = h('textarea', { id: 'markup-body', rows: 4, placeholder: t('markup.body_placeholder'), 'aria-label': t('markup.body') }, initial.body || '');
    const text = kind === 'text' ? h('input', { id: 'markup-text', type: 'text', value: initial.text || '', 'aria-label': t('markup.text') }) : null;
    const severity = h('select', { id: 'markup-severity', 'aria-label': t('markup.severity') },
      SEVERITIES.map((s) => h('option', { value: s, selected: s === (initial.severity || 'general') }, t(`severity.${s}`))));
    const clause = h('input', { id: 'markup-clause', type: 'text', value: initial.clause || '', placeholder: t('markup.clause_placeholder'), 'aria-label': t('markup.clause') });
    const done = (v) => {
      clear(root);
      root.hidden = true;
      resolve(v);
    };
    const form = h('form', { class: 'vw-form', id: 'markup-form', onsubmit: (e) => {
      e.preventDefault();
      if (text && !text.value.trim()) {
        text.focus();
        return;
      }
      done({ body: body.value, severity: severity.value, clause: clause.value.trim(), text: text ? text.value.trim() : undefined });
    }, onkeydown: (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        done(null);
      }
    } },
    h('h3', null, title || t('markup.new'), ' · ', t(`kind.${kind}`)),
    text ? h('label', null, t('markup.text'), text) : null,
    libraryPicker(app, (r) => {
      body.value = r.text[lang()] || r.text['zh-CN'];
      severity.value = r.severity;
      if (r.clause) clause.value = r.clause;
    }),
    h('label', null, t('markup.body'), body),
    h('label', null, t('markup.severity'), severity),
    h('label', null, t('markup.clause'), clause),
    h('div', { class: 'vw-row end' },
      h('button', { type: 'button', class: 'secondary', id: 'markup-cancel', onclick: () => done(null) }, t('markup.cancel')),
      h('button', { type: 'submit', id: 'markup-save' }, t('markup.save'))));
    clear(root).append(form);
    root.hidden = false;
    app.showSide(true);
    (text || body).focus();
  });
}

export function renderThread(root, app, v) {
  clear(root);
  if (!v) {
    root.hidden = true;
    return;
  }
  root.hidden = false;
  app.showSide(true);
  const me = app.cfg.user;
  const mine = app.mayWrite(v.discipline);
  const text = v.kind === 'text' && v.geometry ? v.geometry.text : '';
  const head = h('div', { class: 'vw-thread-head' },
    h('span', { class: 'chip disc', style: { background: colorOf(v.discipline) } }, t(`discipline.${v.discipline}`)),
    h('span', { class: `chip sev-${v.severity}` }, t(`severity.${v.severity}`)),
    h('span', { class: `chip st-${v.status}`, id: 'thread-status' }, t(`status.${v.status}`)),
    v.automatic ? h('span', { class: 'chip auto' }, t('markup.automatic')) : null,
    v.pending ? h('span', { class: 'chip pending' }, t('markup.pending')) : null,
    h('button', { type: 'button', class: 'icon close', id: 'thread-close', 'aria-label': t('thread.close'), title: t('thread.close'),
      onclick: () => app.select(null) }, '×'));
  root.append(head);
  if (v.isFinding) return renderFinding(root, app, v);
  root.append(
    h('div', { class: 'vw-thread-body', id: 'thread-body' },
      text ? h('p', { class: 'text' }, `“${text}”`) : null,
      h('p', null, v.body || t(`kind.${v.kind}`)),
      v.clause ? h('p', { class: 'clause muted' }, `${t('markup.clause').replace(/（.*）|\(.*\)/, '')}：${v.clause}`) : null,
      h('p', { class: 'muted' }, t('markup.by', { name: v.author || '', time: fmtTime(v.created_at) }))));
  const actions = h('div', { class: 'vw-row wrap', id: 'thread-actions' });
  const status = (s, key, id) => actions.append(h('button', { type: 'button', class: 'small', id, onclick: () => app.setStatus(v.key, s) }, t(key)));
  if (v.status === 'open' && (mine || me.role === 'designer')) status('answered', 'thread.set_answered', 'status-answered');
  if (v.status !== 'closed' && mine) status('closed', 'thread.set_closed', 'status-closed');
  if (v.status !== 'open' && mine) status('open', 'thread.reopen', 'status-reopen');
  if (mine) {
    actions.append(h('button', { type: 'button', class: 'small secondary', id: 'markup-edit', onclick: () => app.editMarkup(v.key) }, t('markup.edit')));
    actions.append(h('button', { type: 'button', class: 'small danger', id: 'markup-delete', onclick: async () => {
      const ok = await dialog({ title: t('markup.delete'), body: t('markup.delete_confirm'),
        buttons: [{ label: t('markup.cancel'), value: null }, { label: t('markup.delete'), value: 'ok', primary: true }] });
      if (ok) app.deleteMarkup(v.key);
    } }, t('markup.delete')));
  }
  if (actions.childNodes.length) root.append(actions);
  const list = h('ul', { class: 'vw-replies', id: 'replies' });
  if (!v.comments.length) list.append(h('li', { class: 'muted' }, t('thread.no_replies')));
  for (const c of v.comments) {
    list.append(h('li', { class: c.pending ? 'pending' : '', dataset: { clientId: c.client_id || '' } },
      h('div', { class: 'muted' }, `${c.author || ''} · ${fmtTime(c.created_at)}${c.pending ? ' · ' + t('markup.pending') : ''}`),
      h('div', { class: 'reply-body' }, c.body)));
  }
  root.append(h('h4', null, t('thread.replies')), list);
  if (me.role === 'reviewer' || me.role === 'designer') {
    const input = h('textarea', { id: 'reply-body', rows: 2, placeholder: t('thread.reply_placeholder'), 'aria-label': t('thread.reply') });
    root.append(h('form', { class: 'vw-form', id: 'reply-form', onsubmit: (e) => {
      e.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      input.value = '';
      app.reply(v.key, body);
    } }, input, h('div', { class: 'vw-row end' }, h('button', { type: 'submit', id: 'reply-send' }, t('thread.reply')))));
  }
}

// The open thread's markup was deleted (by its author, elsewhere) while it was being read or
// answered: say so where the thread was, and keep an unsent reply to copy instead of losing it.
export function renderGone(root, app, { name, draft }) {
  clear(root);
  root.hidden = false;
  app.showSide(true);
  root.append(h('div', { class: 'vw-thread-head' },
    h('button', { type: 'button', class: 'icon close', id: 'thread-close', 'aria-label': t('thread.close'), title: t('thread.close'),
      onclick: () => app.select(null) }, '×')),
  h('div', { class: 'vw-thread-body', id: 'thread-gone', role: 'status' },
    h('p', null, name ? t('thread.gone_by', { name }) : t('thread.gone')),
    draft ? h('p', { class: 'muted' }, t('thread.gone_draft')) : null,
    draft ? h('textarea', { id: 'gone-draft', rows: 3, readonly: true, 'aria-label': t('thread.gone_draft') }, draft) : null));
}

// A fact's owner and name: "height" (the project's) or "2#楼办公.height" (a building's own).
function factName(key) {
  const dot = key.lastIndexOf('.');
  const [owner, fact] = dot > 0 ? [key.slice(0, dot), key.slice(dot + 1)] : ['', key];
  const label = t(`fact.${fact}`);
  return [owner, label === `fact.${fact}` ? fact : label];
}

// Where each fact a finding rests on came from (a text on the sheet, a project parameter, a
// derivation, or a default), one line per source: "2#楼办公 高度、层数 ← 图面文字「…」". A fact
// taken from a default is marked: the drawing did not say it, so the finding may not hold.
export function factList(sources) {
  const entries = Object.entries(sources || {});
  if (!entries.length) return null;
  const bySource = new Map();
  for (const [key, source] of entries) {
    const [owner, name] = factName(key);
    const owners = bySource.get(source) || new Map();
    bySource.set(source, owners);
    if (!owners.has(owner)) owners.set(owner, []);
    if (!owners.get(owner).includes(name)) owners.get(owner).push(name);
  }
  const en = lang() === 'en';
  const names = (owners) => [...owners].map(([owner, list]) => (owner ? owner + ' ' : '') + list.join(en ? ', ' : '、'))
    .join(en ? '; ' : '；');
  return h('div', { class: 'vw-facts', id: 'finding-facts' },
    h('p', { class: 'muted' }, t('finding.facts')),
    h('ul', null, [...bySource].map(([source, owners]) => {
      const assumed = String(source).startsWith('默认值');
      return h('li', { class: assumed ? 'assumed' : '' },
        h('span', { class: 'fact-names' }, names(owners)), ' ← ', h('span', { class: 'fact-source' }, String(source)),
        assumed ? h('span', { class: 'chip warn' }, t('finding.assumed')) : null);
    })));
}

function renderFinding(root, app, v) {
  const f = v.finding;
  const d = f.data || {};
  root.append(h('div', { class: 'vw-thread-body', id: 'thread-body' },
    h('p', null, h('strong', null, t('finding.title')), ' · ', t('finding.rule', { id: f.rule_id })),
    h('p', null, findingText(f)),
    f.rect ? null : h('p', { class: 'muted', id: 'finding-whole-sheet' }, t('finding.whole_sheet_note')),
    d.measured !== undefined && d.required !== undefined ? h('p', { class: 'muted' }, t('finding.measured', { m: d.measured, r: d.required })) : null,
    d.clause || d.standard ? h('p', { class: 'clause muted' }, [d.standard, d.clause].filter(Boolean).join(' ')) : null,
    factList(d.sources)));
  if (app.mayWrite(f.discipline) && f.state === 'new') {
    root.append(h('div', { class: 'vw-row' },
      h('button', { type: 'button', id: 'finding-confirm', onclick: () => app.confirmFinding(f.id) }, t('finding.confirm')),
      h('button', { type: 'button', class: 'secondary', id: 'finding-dismiss', onclick: async () => {
        const reason = await prompt(t('finding.dismiss'), t('finding.reason'), { required: true });
        if (reason) app.dismissFinding(f.id, reason);
      } }, t('finding.dismiss'))));
  }
}
