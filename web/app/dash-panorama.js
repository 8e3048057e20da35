// dash-panorama.js: the panorama page, drawn from one dashboard.panorama result: the
// figures ([data-figure], whose text is the number: the browser test reads them), the 30
// days' chart (uPlot), the shipments on the road, the discrepancies, the stock table.
// Each figure links to what is behind it: the map of the period, the road, the shipment
// and its packages' scans.  It asks nothing itself: dash.js calls draw() on each answer.
import uPlot from './vendor/uplot.esm.js';
import { $, el } from './dom.js';
import { age, day, fillTable, num, reason, shipmentLink, state, when } from './dash-format.js';
import { t } from './i18n.js';

function figure(name, value) {
  for (const e of document.querySelectorAll(`[data-figure="${name}"]`))
    e.textContent = String(value);
}

function drawFigures(p) {
  const d = p.deliveries;
  figure('deliveries-today-packages', d.today.packages);
  figure('deliveries-week-packages', d.week.packages);
  figure('deliveries-month-packages', d.month.packages);
  for (const k of ['today', 'week', 'month'])
    $(`sub-${k}`).textContent = t(d[k].communities === 1 ? 'dash.fig_qty_one' : 'dash.fig_qty',
                                  { qty: num(d[k].qty), communities: d[k].communities });
  figure('on-road', p.on_road.length);
  $('sub-road').textContent = p.on_road.length
    ? t('dash.fig_on_road_sub', { age: age(p.on_road[0].age_s) }) : t('dash.fig_on_road_none');
  const share = p.scanned_share.month;
  figure('scanned-share', share === null ? '—' : Math.round(share * 100));
  figure('discrepancies-open', p.discrepancies.open);
  $('sub-disc').textContent = t('dash.fig_disc_sub', { qty: num(p.discrepancies.qty) });
  const total = p.stock.reduce((n, s) => n + s.qty, 0);
  figure('stock-total', total);
  $('sub-stock').textContent = t('dash.fig_stock_sub', {
    low: p.stock.filter((s) => s.low).length,
    expiring: num(p.stock.reduce((n, s) => n + s.expiring_30, 0)),
  });
}

let chart = null;

function chartSize() {
  const box = $('chart');
  return { width: Math.max(260, (box.clientWidth || 616) - 16), height: 220 };
}

// The chart follows its box: drawn while the page was hidden, it had no width.
export function fitChart() {
  chart?.setSize(chartSize());
}

function drawChart(p) {
  // x: the days at local noon, as the chart's seconds; the axis shows the local day.
  const xs = p.daily.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
  const data = [xs, p.daily.map((d) => d.packages), p.daily.map((d) => d.qty)];
  if (chart) {
    chart.setData(data);
    return;
  }
  const opts = {
    ...chartSize(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, qty: { auto: true } },
    series: [
      { label: t('dash.chart_day'), value: (u, v) => (v == null ? '' : day(new Date(v * 1000).toISOString().slice(0, 10))) },
      { label: t('dash.chart_packages'), stroke: '#0b3d2e', fill: 'rgba(11,61,46,0.35)',
        paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } },
      { label: t('dash.chart_qty'), stroke: '#b36b00', width: 2, scale: 'qty' },
    ],
    axes: [
      { values: (u, vals) => vals.map((v) => { const s = new Date(v * 1000).toISOString(); return `${s.slice(8, 10)}/${s.slice(5, 7)}`; }) },
      { label: t('dash.chart_packages') },
      { side: 1, scale: 'qty', label: t('dash.chart_qty'), grid: { show: false } },
    ],
  };
  chart = new uPlot(opts, data, $('chart'));
  $('chart').setAttribute('aria-label', t('dash.chart_title'));
  window.addEventListener('resize', fitChart);
}

function drawTables(p) {
  fillTable($('road-table'), ['dash.col_shipment', 'dash.col_to', 'dash.col_region', 'dash.col_team',
                              'dash.col_age', 'dash.col_packages'],
            p.on_road, (s) => [shipmentLink(s.code), s.to.name, s.to.region ?? '', s.team ?? '',
                               `${age(s.age_s)} · ${state(s.state)}`,
                               `${s.packages_delivered} / ${s.package_count}`],
            (s) => ({ 'data-shipment': s.code }));
  fillTable($('disc-table'), ['dash.col_date', 'dash.col_shipment', 'dash.col_community',
                              'dash.col_item', 'dash.col_qty', 'dash.col_reason'],
            p.discrepancies.recent, (d) => [when(d.date), shipmentLink(d.shipment), d.community_name,
                                            d.item_name, d.qty, reason(d.reason)]);
  fillTable($('stock-table'), ['dash.col_warehouse', 'dash.col_item', 'dash.col_qty', 'dash.col_lots',
                               'dash.col_exp30', 'dash.col_exp90', 'dash.col_expired',
                               'dash.col_threshold', ''],
            p.stock, (s) => [s.location_name, s.item_name, s.qty, s.lots, s.expiring_30, s.expiring_90,
                             s.expired, s.threshold ?? '', flags(s)],
            (s) => ({ 'data-low': s.low ? '1' : null }));
}

function flags(s) {
  const box = el('span', { class: 'flags' });
  if (s.low)
    box.append(el('span', { class: 'flag bad' }, t('dash.flag_low')));
  if (s.expired)
    box.append(el('span', { class: 'flag bad' }, t('dash.flag_expired')));
  else if (s.expiring_30)
    box.append(el('span', { class: 'flag warn' }, t('dash.flag_expiring')));
  return box;
}

export function drawPanorama(p) {
  drawFigures(p);
  drawTables(p);
  drawChart(p);
  $('updated').textContent = t('dash.updated', { when: when(p.at), seq: p.seq });
}
