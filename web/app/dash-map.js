// dash-map.js: the map page (#/mapa?from=D&to=D, or ?period=today|week): deliveries by
// region and district from dashboard.regions, on the cartogram of Peru's regions
// (peru-regions.svg, one square per region) and, always, in the table beside it, where
// each district is a row under its region with the shipments behind its figures.  A region of the ledger that is not one of the
// 25 (a typo, none recorded) is in the table only.
import { $, el } from './dom.js';
import { day, fillTable, shipmentLink } from './dash-format.js';
import { t } from './i18n.js';

// "Huánuco" and "HUANUCO" are the same region.
export const regionKey = (name) => String(name ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .toLowerCase().trim();

let svgText = null;

async function loadSvg() {
  if (svgText === null) {
    const r = await fetch('peru-regions.svg', { cache: 'no-cache' });
    svgText = r.ok ? await r.text() : '';
  }
  const box = $('map-svg');
  if (!box.firstElementChild && svgText) {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    box.append(document.importNode(doc.documentElement, true));
  }
  return box.querySelector('svg');
}

// The local Monday of day d ("YYYY-MM-DD").
export function mondayOf(d) {
  const date = new Date(`${d}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

// The period the hash's query asks for, given today (local); {} for the core's default.
export function periodOf(query, today) {
  const q = new URLSearchParams(query);
  if (q.get('period') === 'today' && today)
    return { from: today, to: today };
  if (q.get('period') === 'week' && today)
    return { from: mondayOf(today), to: today };
  if (q.get('from') && q.get('to'))
    return { from: q.get('from'), to: q.get('to') };
  return {};
}

function shade(packages, max) {
  if (!packages)
    return 'q0';
  return `q${Math.min(4, 1 + Math.floor((3 * packages) / Math.max(1, max)))}`;
}

async function drawSvg(regions) {
  const svg = await loadSvg();
  if (!svg)
    return;
  const by = new Map(regions.map((r) => [regionKey(r.region), r]));
  const max = Math.max(0, ...regions.map((r) => r.packages));
  for (const g of svg.querySelectorAll('g.region')) {
    const r = by.get(regionKey(g.dataset.region));
    g.setAttribute('class', `region ${r ? shade(r.packages, max) : 'none'}`);
    g.querySelector('text.count').textContent = r ? String(r.packages) : '';
    g.querySelector('title').textContent = r
      ? `${g.dataset.region}: ${r.packages} ${t('dash.chart_packages').toLowerCase()}, ${r.reached}/${r.communities}`
      : g.dataset.region;
  }
}

// The shipments behind a district's figures, each a link to its packages' scans.
function shipmentLinks(codes) {
  return el('span', { class: 'codes' }, ...codes.flatMap((c, i) => (i ? [' ', shipmentLink(c)] : [shipmentLink(c)])));
}

function drawTable(regions) {
  const rows = [];
  for (const r of regions) {
    rows.push({ ...r, name: r.region ?? t('dash.map_no_region'), kind: 'region' });
    for (const d of r.districts)
      rows.push({ ...d, name: d.district ?? t('dash.map_no_region'), kind: 'district' });
  }
  fillTable($('region-table'), ['dash.col_region', 'dash.col_communities', 'dash.col_reached',
                                'dash.chart_packages', 'dash.col_qty_delivered', 'dash.col_shortfall',
                                'dash.col_shipments'],
            rows, (r) => [r.kind === 'district' ? el('span', { class: 'indent' }, r.name) : el('strong', {}, r.name),
                          r.communities, r.reached, r.packages, r.qty, r.shortfall_qty,
                          shipmentLinks(r.shipments ?? [])],
            (r) => ({ class: r.kind, 'data-region': r.kind === 'region' ? r.region ?? '' : null }));
}

// Ask and draw; resolves to null or the failed reply.
export async function showMap(api, query, today) {
  const period = periodOf(query, today);
  const r = await api.call('dashboard.regions', period);
  if (!r.ok)
    return r;
  const { from, to, regions } = r.result;
  $('map-from').value = from;
  $('map-to').value = to;
  $('map-period-text').textContent = t('dash.map_period', { from: day(from), to: day(to) });
  drawTable(regions);
  await drawSvg(regions);
  return null;
}

export function wireMap() {
  $('map-period').addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/mapa?from=${$('map-from').value}&to=${$('map-to').value}`;
  });
}
