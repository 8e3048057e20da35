// dash-donor.js: a donor's view (#/donante/CODE?from=D&to=D) from report.donor: what its
// lots became in the period, by community and item, what arrived short, what it still
// holds in warehouses and on the road; its report as a PDF (GET
// /api/v1/report.donor.pdf).  A share link (dash.html#share=TOKEN) shows this page only,
// for its own donor and period, with no picker.
import { $, el } from './dom.js';
import { day, downloadPdf, fillTable, num, reason, shipmentLink, when } from './dash-format.js';
import { t } from './i18n.js';

let current = null;

// One row per community and item: the deliveries' quantities summed.
export function byCommunityItem(deliveries) {
  const rows = new Map();
  for (const d of deliveries) {
    const key = `${d.community}\u0000${d.item}`;
    const r = rows.get(key) ?? { community: d.community, community_name: d.community_name, region: d.region,
                                 item: d.item, item_name: d.item_name, qty: 0, shipments: new Set() };
    r.qty += d.qty;
    r.shipments.add(d.shipment);
    rows.set(key, r);
  }
  return [...rows.values()];
}

function draw(r, share) {
  $('donor-title').textContent = t('dash.donor_title', { donor: r.donor.name });
  const pct = Math.round((r.totals.scanned_share ?? 0) * 100);
  $('donor-totals').textContent = t('dash.donor_totals', {
    qty: num(r.totals.qty), communities: r.totals.communities, shipments: r.totals.shipments,
    share: `${pct} %`,
  });
  fillTable($('donor-table'), ['dash.col_region', 'dash.col_community', 'dash.col_item', 'dash.col_qty',
                               'dash.col_shipment'],
            byCommunityItem(r.deliveries),
            (x) => [x.region ?? '', x.community_name, x.item_name, x.qty,
                    share ? [...x.shipments].join(', ')
                          : el('span', {}, ...[...x.shipments].flatMap((c, i) => (i ? [', ', shipmentLink(c)] : [shipmentLink(c)])))]);
  fillTable($('donor-short'), ['dash.col_date', 'dash.col_community', 'dash.col_item', 'dash.col_qty',
                               'dash.col_reason'],
            r.discrepancies, (d) => [when(d.date), d.community_name, d.item_name, d.qty, reason(d.reason)]);
  fillTable($('donor-held'), ['dash.col_location', 'dash.col_item', 'dash.col_lot', 'dash.col_expiry',
                              'dash.col_qty'],
            r.held, (h) => [h.location_name, h.item_name, h.lot, h.expiry ? day(h.expiry) : '', h.qty]);
}

async function fillDonors(api, code) {
  const pick = $('donor-pick');
  if (!pick.options.length) {
    const r = await api.call('donor.list');
    const list = r.ok ? (Array.isArray(r.result) ? r.result : r.result?.donors ?? []) : [];
    pick.replaceChildren(...list.map((d) => el('option', { value: d.code }, d.name)));
  }
  if (code)
    pick.value = code;
}

// Ask and draw; resolves to null or the failed reply.  share: the share's {donor, from,
// to} (the form is then hidden), or null.
export async function showDonor(api, code, query, today, share) {
  $('donor-pdf-message').textContent = '';
  $('donor-form').hidden = Boolean(share);
  const q = new URLSearchParams(query);
  const first = today ? `${today.slice(0, 8)}01` : '';
  const from = share ? share.from : q.get('from') || first;
  const to = share ? share.to : q.get('to') || today;
  if (!share)
    await fillDonors(api, code);
  code = share ? share.donor.code : code || $('donor-pick').value;
  $('donor-from').value = from;
  $('donor-to').value = to;
  if (!code)
    return null;
  const r = await api.call('report.donor', { donor: code, from, to });
  if (!r.ok)
    return r;
  current = r.result;
  draw(current, share);
  return null;
}

export function wireDonor(authorization) {
  $('donor-form').addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/donante/${encodeURIComponent($('donor-pick').value)}?from=${$('donor-from').value}&to=${$('donor-to').value}`;
  });
  $('donor-pdf').addEventListener('click', async () => {
    if (!current)
      return;
    const q = new URLSearchParams({ donor: current.donor.code, from: current.from, to: current.to });
    const failed = await downloadPdf(authorization(), `/api/v1/report.donor.pdf?${q}`,
                                     `informe-${current.donor.code}-${current.from}-${current.to}.pdf`);
    $('donor-pdf-message').textContent = failed ? t('dash.download_failed', { message: failed }) : '';
  });
}
