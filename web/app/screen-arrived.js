// screen-arrived.js: "what arrived?" after a genuine scan: everything, in one big
// button, or how many of each line and why not all; optionally a photo of the signed
// slip and the coarse position.  The confirmation is stored in the queue, with the scan
// time, before anything is sent.
import { isoWithOffset, newScanId, shortLines } from './deliveries.js';
import { $, el, showResult, showScreen } from './dom.js';
import { language, t } from './i18n.js';
import { preparePhoto } from './photo.js';
import { currentPosition } from './position.js';
import { quantity } from './words.js';
import { whatText } from './screen-scan.js';

const REASONS = ['damaged', 'missing', 'expired', 'refused'];

let seqCounter = 0;

function lineRow(row) {
  const id = `received-${row.line}`;
  const input = el('input', { id, class: 'received', type: 'number', inputmode: 'numeric',
                              min: 0, max: row.qty, step: 1, value: row.qty });
  const reason = el('select', { class: 'reason', 'aria-label': t('arrived.reason') },
                    el('option', { value: '' }, t('arrived.reason_none')),
                    ...REASONS.map((r) => el('option', { value: r }, t(`reason.${r}`))));
  const step = (d, label) => {
    const b = el('button', { type: 'button', class: 'step', 'aria-label': `${label} ${row.line}` }, label);
    b.addEventListener('click', () => {
      const v = Math.min(row.qty, Math.max(0, (Number(input.value) || 0) + d));
      input.value = v;
      input.dispatchEvent(new Event('input'));
    });
    return b;
  };
  const li = el('li', { 'data-line': row.line },
    el('p', { class: 'item' }, `${row.line}. ${language() === 'en' ? row.name_en : row.name_es}`),
    el('p', { class: 'fine' }, t('arrived.sent_qty', { qty: quantity(row.qty, row.unit, language()) })),
    el('div', { class: 'qty' }, el('label', { for: id }, t('arrived.received')),
       step(-1, '−'), input, step(1, '+')),
    reason);
  input.addEventListener('input', () => li.classList.toggle('short', Number(input.value) < row.qty));
  return li;
}

export function createArrived(app) {
  let scan = null;     // {text, token, found, scannedAt}
  let photo = null;    // a promise of {bytes, sha256} or null
  let position = null; // a promise of {lat, lon} or null

  function reset() {
    photo = null;
    position = null;
    $('photo-input').value = '';
    $('photo-status').textContent = '';
    $('position-toggle').checked = false;
    $('position-status').textContent = '';
    $('lines-message').textContent = '';
  }

  function open(s) {
    scan = s;
    reset();
    const { token, found } = s;
    // The banner above names the shipment and package; this, where it goes.
    const to = found.manifest?.to?.name ? `${found.manifest.to.name} (${token.dest})` : token.dest;
    $('arrived-what').textContent = t('arrived.to', { to });
    const unknown = found.kind === 'unknown';
    $('arrived-note').hidden = !unknown;
    $('arrived-note').textContent = unknown ? t('arrived.unknown_note') : '';
    $('arrived-lines-box').hidden = unknown;
    $('arrived-lines').replaceChildren(...(unknown ? [] : found.lines.map(lineRow)));
    app.scanScreen.hide();
    showScreen('arrived');
  }

  async function evidence() {
    let p = null, pos = null;
    try {
      p = photo ? await photo : null;
    } catch { p = null; } // its failure is shown already; the delivery goes without
    try {
      pos = position ? await position : null;
    } catch { pos = null; }
    return { p, pos };
  }

  async function save(lines) {
    if (!scan)
      return;
    const s = scan;
    scan = null;
    const { p, pos } = await evidence();
    const { token, found, scannedAt } = s;
    const entry = {
      scan_id: newScanId(), seq: scannedAt.getTime() * 1000 + (seqCounter++ % 1000),
      state: 'queued', token: s.text, shipment: token.shipment, package: token.package,
      count: token.count, dest: token.dest,
      packages: found.packages || (token.package ? [token.package] : []),
      in_manifest: found.kind === 'arrive', lines, rows: found.lines || [],
      device_time: isoWithOffset(scannedAt), scanned_at: scannedAt.toISOString(),
      photo: p ? p.sha256 : null, position: pos,
    };
    await app.store.addScan(entry, p ? p.bytes : null);
    showResult('queued', t('arrived.saved', { shipment: token.shipment, what: whatText(token) }));
    app.scanned(entry);
  }

  $('confirm-all').addEventListener('click', () => save([]));
  $('confirm-lines').addEventListener('click', () => {
    if (!scan)
      return;
    const answers = new Map();
    for (const li of $('arrived-lines').querySelectorAll('[data-line]'))
      answers.set(Number(li.dataset.line), { received: li.querySelector('input.received').value.trim(),
                                             reason: li.querySelector('select.reason').value });
    let lines;
    try {
      lines = shortLines(scan.found.lines, new Map([...answers].map(([k, v]) =>
        [k, { received: v.received === '' ? NaN : Number(v.received), reason: v.reason }])));
    } catch (e) {
      $('lines-message').textContent = t(e.problem === 'reason' ? 'arrived.need_reason' : 'arrived.bad_qty',
                                         { line: e.line, qty: e.qty });
      return;
    }
    save(lines);
  });
  $('cancel-scan').addEventListener('click', () => {
    scan = null;
    showResult(null);
    app.showScan();
  });
  $('photo-input').addEventListener('change', () => {
    const file = $('photo-input').files?.[0];
    if (!file) {
      photo = null;
      $('photo-status').textContent = '';
      return;
    }
    $('photo-status').textContent = t('arrived.photo_working');
    photo = preparePhoto(file);
    photo.then((r) => { $('photo-status').textContent = t('arrived.photo_ready', { kb: Math.ceil(r.bytes.length / 1024) }); },
               (e) => { $('photo-status').textContent = t('arrived.photo_failed', { message: e?.message || e }); });
  });
  $('position-toggle').addEventListener('change', () => {
    if (!$('position-toggle').checked) {
      position = null;
      $('position-status').textContent = '';
      return;
    }
    position = currentPosition();
    position.then((c) => { $('position-status').textContent = t('arrived.position_ready', c); },
                  (e) => { $('position-status').textContent = t('arrived.position_failed', { message: e?.message || e }); });
  });

  return { open };
}
