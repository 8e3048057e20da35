// deliveries.js: what a genuine scan means for this phone, from the manifests it holds
// and its own queue: which packages and lines it confirms, or that it was confirmed
// already, by whom and when.  Pure functions, no DOM and no storage, for the node tests.

// The packages of shipment m this phone has queued or sent (a package scan, or a slip
// scan that covered them).
function coveredHere(code, queue) {
  const covered = new Map();
  for (const e of queue)
    if (e.shipment === code && e.state !== 'refused')
      for (const n of e.packages || [])
        covered.set(n, e);
  return covered;
}

// Rows to ask about: one per shipment line of the given packages, with what was sent.
function linesOf(m, packages) {
  const rows = new Map();
  for (const p of packages) {
    const line = (m.lines || []).find((l) => l.line === p.line) || { line: p.line };
    const row = rows.get(p.line) || { line: p.line, qty: 0, item: line.item ?? '',
                                      name_es: line.item_name_es ?? line.item ?? '',
                                      name_en: line.item_name_en ?? line.item ?? '',
                                      unit: line.unit ?? '' };
    row.qty += p.qty;
    rows.set(p.line, row);
  }
  return [...rows.values()].sort((a, b) => a.line - b.line);
}

// What scanning token (the verified fields of a GENUINE code) means:
//   {kind: 'unknown'}                       its shipment is not in this phone's manifests
//   {kind: 'queued'|'sent', entry}          this phone scanned it already
//   {kind: 'confirmed', when, team, device} confirmed already (the manifest says so)
//   {kind: 'all_done'}                      a slip whose every package is confirmed
//   {kind: 'arrive', manifest, packages, lines}   to ask what arrived
export function lookup(token, manifests, queue) {
  const m = manifests.find((s) => s.code === token.shipment);
  const mine = queue.filter((e) => e.shipment === token.shipment && e.state !== 'refused');
  if (token.package) {
    const again = mine.find((e) => e.package === token.package || (e.packages || []).includes(token.package));
    if (again)
      return { kind: again.state, entry: again };
  } else {
    const slip = mine.find((e) => e.package === 0);
    if (slip)
      return { kind: slip.state, entry: slip };
  }
  if (!m)
    return { kind: 'unknown' };
  const covered = coveredHere(m.code, queue);
  const packages = (m.packages || []).filter((p) =>
    token.package ? p.number === token.package : !p.delivered && !covered.has(p.number));
  if (token.package) {
    const p = packages[0];
    if (!p)
      return { kind: 'unknown' };
    if (p.delivered)
      return { kind: 'confirmed', when: p.delivered_at || p.received_at, team: p.team,
               device: p.device };
  } else if (!packages.length) {
    return { kind: 'all_done' };
  }
  return { kind: 'arrive', manifest: m, packages: packages.map((p) => p.number),
           lines: linesOf(m, packages) };
}

// The delivery.confirm "lines" for what the person said arrived: only the lines short of
// what was sent, each with its reason.  rows are [{line, qty}], answers a Map line ->
// {received, reason}.  Throws {line, problem: 'qty'|'reason', qty} on a wrong answer.
export function shortLines(rows, answers) {
  const out = [];
  for (const row of rows) {
    const a = answers.get(row.line) || { received: row.qty };
    const received = Number(a.received);
    if (!Number.isInteger(received) || received < 0 || received > row.qty)
      throw { line: row.line, problem: 'qty', qty: row.qty };
    if (received === row.qty)
      continue;
    if (!['damaged', 'missing', 'expired', 'refused'].includes(a.reason))
      throw { line: row.line, problem: 'reason', qty: row.qty };
    out.push({ line: row.line, received, reason: a.reason });
  }
  return out;
}

const pad = (n) => String(n).padStart(2, '0');

// date as ISO 8601 in the phone's own zone with its offset, "2026-11-22T01:58:00-05:00":
// the scan time the core records as the delivery's (docs/PROTOCOL.md 6.17 device_time).
export function isoWithOffset(date) {
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
         `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
         `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// A new scan id: a random UUID (unique per confirmation, docs/PROTOCOL.md 6.17).
export function newScanId(crypto = globalThis.crypto) {
  if (crypto.randomUUID)
    return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
