// dash-format.js: what the dashboard's pages share: numbers, ages and days as people read
// them, tables built from data (text only, never HTML from data), links to the pages
// behind a figure, and PDF downloads through the API with the page's credentials.
import { el } from './dom.js';
import { formatWhen, language, t } from './i18n.js';

export function num(n) {
  return Number(n ?? 0).toLocaleString(language() === 'en' ? 'en-GB' : 'es-PE');
}

// "3 d 4 h", "2 h 5 min", "12 min" for a number of seconds.
export function age(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d)
    return t('dash.age_days', { d, h });
  if (h)
    return t('dash.age_hours', { h, m });
  return t('dash.age_min', { m });
}

export const when = (iso) => (iso ? formatWhen(iso) : '');

// "22/11/2026" from "2026-11-22" (a local day as the core names it).
export function day(d) {
  const [y, m, dd] = String(d || '').split('-');
  return y && m && dd ? `${dd}/${m}/${y}` : String(d || '');
}

export const reason = (r) => (r ? t(`dash.reason_${r}`) : '');
export const state = (s) => (s ? t(`dash.state_${s}`) : '');

export const shipmentLink = (code) => el('a', { href: `#/envio/${encodeURIComponent(code)}` }, code);

// Fill table with a header row of column titles (i18n keys) and one row per entry made
// by cells(entry) (strings, numbers or elements); attrs(entry) adds the row's attributes.
export function fillTable(table, heads, rows, cells, attrs = () => ({})) {
  const head = el('tr', {}, ...heads.map((k) => el('th', { scope: 'col' }, t(k))));
  const body = rows.map((r) => el('tr', attrs(r), ...cells(r).map((c) => {
    const isNum = typeof c === 'number';
    return el('td', isNum ? { class: 'n' } : {}, isNum ? num(c) : c ?? '');
  })));
  if (!rows.length)
    body.push(el('tr', {}, el('td', { colspan: heads.length, class: 'fine' }, t('dash.none'))));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

// Fetch a PDF of the gateway (GET path, with the page's Authorization) and save it as
// name; resolves to null, or the message of what went wrong.
export async function downloadPdf(authorization, path, name) {
  let reply;
  try {
    reply = await fetch(path, { headers: authorization ? { Authorization: authorization } : {},
                                cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    return String(e?.message || e);
  }
  if (!reply.ok) {
    let message = `HTTP ${reply.status}`;
    try {
      const j = await reply.json();
      message = j?.error?.message || message;
    } catch { /* not JSON: the status says it */ }
    return message;
  }
  const url = URL.createObjectURL(await reply.blob());
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return null;
}

// What an event says, in a line: its kind, then what it is about.
export function eventText(e) {
  const key = `dash.ev.${e.type}`;
  const kind = t(key) === key ? t('dash.ev.other', { type: e.type }) : t(key);
  const about = [];
  const place = e.location ?? e.to?.code ?? e.to;
  if (e.item)
    about.push(e.qty != null ? `${num(e.qty)} ${e.item}` : e.item);
  else if (e.qty_received != null)
    about.push(num(e.qty_received));
  if (typeof place === 'string')
    about.push(place);
  if (e.short)
    about.push(`−${num(e.short)} ${reason(e.reason)}`);
  return about.length ? `${kind}: ${about.join(' · ')}` : kind;
}
