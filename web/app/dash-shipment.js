// dash-shipment.js: one shipment (#/envio/CODE) from shipment.get: its lines with their
// lots and donors, its packages with who confirmed each and when (the scan time on the
// device and the time it reached the server: they differ when a phone synced late), what
// arrived short and why, and its slip as a PDF (GET /api/v1/shipment.slip.pdf).
import { $ } from './dom.js';
import { day, downloadPdf, fillTable, reason, state, when } from './dash-format.js';
import { language, t } from './i18n.js';

let current = null;

function who(p) {
  if (!p.delivered)
    return t('dash.pending');
  return [p.team, p.device].filter(Boolean).join(' · ');
}

function draw(s) {
  const name = (l) => (language() === 'en' ? l.item_name_en : l.item_name_es) || l.item;
  $('ship-title').textContent = t('dash.ship_title', { code: s.code });
  $('ship-facts').textContent = [
    t('dash.ship_state', { state: state(s.state) }),
    t('dash.ship_route', { from: s.from?.name ?? '', to: `${s.to?.name ?? ''}${s.to?.region ? ` (${s.to.region})` : ''}` }),
    s.dispatched_at ? t('dash.ship_dispatched', { when: when(s.dispatched_at) }) : '',
    s.team ?? '',
  ].filter(Boolean).join(' · ');
  const lots = [];
  for (const l of s.lines)
    for (const lot of l.lots ?? [])
      lots.push({ line: l.line, item: name(l), ...lot, serials: (lot.serials ?? []).join(', ') });
  fillTable($('ship-lines'), ['dash.col_line', 'dash.col_item', 'dash.col_lot', 'dash.col_expiry',
                              'dash.col_donor', 'dash.col_qty'],
            lots, (l) => [l.line, l.item, l.serials ? `${l.lot} (${l.serials})` : l.lot,
                          l.expiry ? day(l.expiry) : '', l.donor_name ?? l.donor, l.qty]);
  fillTable($('ship-packages'), ['dash.col_package', 'dash.col_line', 'dash.col_qty', 'dash.col_received',
                                 'dash.col_by', 'dash.col_scanned_at', 'dash.col_synced_at'],
            s.packages, (p) => [p.number, p.line, p.qty, p.delivered ? p.qty_received ?? '?' : '',
                                who(p),
                                p.delivered ? (p.scanned_at ? when(p.scanned_at) : '—') +
                                  (p.clock_suspect ? ` (${t('dash.clock_suspect')})` : '') : '',
                                p.delivered ? when(p.received_at) : ''],
            (p) => ({ 'data-package': p.number, 'data-delivered': p.delivered ? '1' : '0',
                      'data-scan-id': p.scan_id ?? null }));
  fillTable($('ship-short'), ['dash.col_date', 'dash.col_item', 'dash.col_qty', 'dash.col_reason'],
            s.shortfalls ?? [], (f) => [when(f.delivered_at), f.item_name ?? f.item, f.qty, reason(f.reason)]);
}

// Ask and draw; resolves to null or the failed reply.
export async function showShipment(api, code) {
  $('ship-pdf-message').textContent = '';
  const r = await api.call('shipment.get', { shipment: code });
  if (!r.ok)
    return r;
  current = r.result;
  draw(current);
  return null;
}

export function wireShipment(authorization) {
  $('ship-pdf').addEventListener('click', async () => {
    if (!current)
      return;
    const code = current.code;
    const failed = await downloadPdf(authorization(), `/api/v1/shipment.slip.pdf?shipment=${encodeURIComponent(code)}`,
                                     `guia-${code}.pdf`);
    $('ship-pdf-message').textContent = failed ? t('dash.download_failed', { message: failed }) : '';
  });
}
