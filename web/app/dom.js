// dom.js: the small DOM helpers the screens share: finding elements, building them
// with text (never HTML from data: a shipment's name is data), the screen shown and the
// last scan's result (the DOM contract the browser test relies on).
import { t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

// A new element with attributes (dataset via data-*) and children (strings are text).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== null && v !== undefined && v !== false)
      e.setAttribute(k, v === true ? '' : String(v));
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

// Fill every [data-i18n] element with its text in the current language.
export function applyTexts(root = document) {
  for (const e of root.querySelectorAll('[data-i18n]'))
    e.textContent = t(e.dataset.i18n);
  document.title = t('app.title');
}

export function showScreen(name) {
  document.body.dataset.screen = name;
  window.scrollTo?.(0, 0);
}

// The last scan's result: its verdict (genuine, altered, forged, malformed, unknown,
// queued, confirmed) and what to tell the person; verdict null hides it.
export function showResult(verdict, text) {
  const box = $('scan-result');
  box.dataset.verdict = verdict || '';
  box.textContent = text || '';
  box.hidden = !verdict && !text;
}

export function setStatus(sync, text) {
  const s = $('status');
  s.dataset.sync = sync;
  s.textContent = text;
}
