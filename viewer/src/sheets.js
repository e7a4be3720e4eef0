// How the viewer names a sheet (the picker, comments on other sheets, presence, compare, the
// toolbar): the same rule as the server's services/sheets.py sheet_label. A sheet with a
// drawing number is named by it (and its title, with title); a sheet without one (a DXF
// without a title block: model space, a layout named Layout1) by its file's name and its place
// in the file, "XX.dxf · 布局 Layout1", from the sheet's file_name and key_label.
import { lang } from './i18n.js';

export function sheetLabel(s, { title = false } = {}) {
  if (!s) return '';
  const number = (s.number || '').trim();
  const heading = title ? (s.title || '').trim() : '';
  let name = number;
  if (!name) {
    const place = s.key_label ? (s.key_label[lang()] || s.key_label['zh-CN'] || '') : '';
    name = s.file_name && place ? `${s.file_name} · ${place}` : s.file_name || place;
    // a sheet known only by id and title (an older page config): as before
    if (!name) return (s.title || '').trim() || (s.id != null ? `#${s.id}` : '');
  }
  return heading ? `${name} ${heading}` : name;
}
