// Small DOM helpers: element builder, toasts, a modal dialog.  No innerHTML with data: text only.

import { t } from './i18n.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, v);
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let toastBox = null;

export function toast(text, kind = 'info', ms = 4000) {
  if (!toastBox) {
    toastBox = h('div', { class: 'vw-toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastBox);
  }
  const el = h('div', { class: `vw-toast ${kind}` }, text);
  toastBox.append(el);
  setTimeout(() => el.remove(), ms);
  return el;
}

// A modal dialog; resolves with the chosen button's value (Esc = null).
export function dialog({ title, body, buttons }) {
  return new Promise((resolve) => {
    const close = (value) => {
      back.remove();
      document.removeEventListener('keydown', onKey, true);
      resolve(value);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close(null);
      }
    };
    const box = h('div', { class: 'vw-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
      h('h2', null, title),
      h('div', { class: 'vw-dialog-body' }, body),
      h('div', { class: 'vw-dialog-buttons' },
        buttons.map((b) => h('button', { type: 'button', class: b.primary ? 'primary' : '', onclick: () => close(b.value) }, b.label))),
    );
    const back = h('div', { class: 'vw-modal' }, box);
    document.body.append(back);
    document.addEventListener('keydown', onKey, true);
    const first = box.querySelector('textarea, input, button.primary, button');
    if (first) first.focus();
  });
}

export async function prompt(title, label, { required = false } = {}) {
  const input = h('textarea', { rows: 3, 'aria-label': label, placeholder: label });
  for (;;) {
    const v = await dialog({
      title,
      body: input,
      buttons: [{ label: t('markup.cancel'), value: null }, { label: t('markup.save'), value: 'ok', primary: true }],
    });
    if (v === null) return null;
    const text = input.value.trim();
    if (text || !required) return text;
    toast(t('finding.reason_required'), 'warn');
  }
}

// Beijing time (UTC+8, no summer time), as the project page, the report and the deadlines date
// everything: the browser's own zone made the viewer and the comment list disagree on one comment
export function fmtTime(iso) {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const d = new Date(t + 8 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
