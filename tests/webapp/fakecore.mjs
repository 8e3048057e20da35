// fakecore.mjs: a stand-in for ayni-web and aynid behind it, for the sync tests: a fetch
// that answers the ops the app sends as docs/PROTOCOL.md says (idempotent on scan_id,
// already_delivered for a package confirmed under another scan id), logs every call,
// and can be told to fail: no network before a call, or the reply lost after the core
// has committed it (the worst moment).
import { createHash } from 'node:crypto';

const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

export const PK_HEX = '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8';
export const KEY_ID = '9d24e2ee';

export function fakeCore({ manifests = [] } = {}) {
  const core = {
    log: [],            // {op, args, auth}
    confirmed: new Map(), // scan_id -> result (what the ledger holds)
    byPackage: new Map(), // "SHIP/N" -> {scan_id, delivered_at, team, device}
    photos: new Map(),
    failBefore: null,   // (op, args) => true: no answer, nothing done
    loseReply: null,    // (op, args) => true: done, then the reply is lost
    override: null,     // (op, args) => {status, body} answered instead
    manifests,
    keyId: KEY_ID,
  };

  function ok(result) {
    return { status: 200, body: { ok: true, result } };
  }
  function error(status, code, message, details = {}) {
    return { status, body: { ok: false, error: { code, message, details } } };
  }

  function confirm(args) {
    if (core.confirmed.has(args.scan_id))
      return ok({ ...core.confirmed.get(args.scan_id), repeat: true });
    const [, ship, pkg] = /^(\S+?)\/(\d+)$/.exec(args.token) || [];
    if (!ship)
      return error(400, 'bad_token', 'altered code: changed after it was signed, do not deliver', { field: 'token' });
    const key = `${ship}/${pkg}`;
    const had = core.byPackage.get(key);
    if (had)
      return error(409, 'already_delivered', `package ${pkg} of shipment '${ship}' was already confirmed`,
                   { shipment: ship, package: Number(pkg), scan_id: had.scan_id,
                     delivered_at: had.delivered_at, team: had.team, device: had.device });
    if (args.photo && !core.photos.has(args.photo))
      return error(404, 'not_found', 'no photo', { field: 'photo' });
    const delivered_at = new Date(args.device_time).toISOString().replace('.000Z', 'Z');
    const result = { scan_id: args.scan_id, shipment: ship, package: Number(pkg), packages: [Number(pkg)],
                     device: 'phone-7', team: 'Equipo 3', scanned_at: delivered_at, delivered_at,
                     received_at: '2026-11-22T12:00:00Z', clock_suspect: false,
                     photo: args.photo ?? null, position: args.position ?? null,
                     status: 'delivered', shipment_state: 'partial' };
    core.confirmed.set(args.scan_id, result);
    core.byPackage.set(key, { scan_id: args.scan_id, delivered_at, team: 'Equipo 3', device: 'phone-7' });
    return ok(result);
  }

  function answer(op, args) {
    if (core.override) {
      const r = core.override(op, args);
      if (r)
        return r;
    }
    switch (op) {
    case 'server.info':
      return ok({ name: 'aynid', device: { name: 'phone-7', role: 'scanner', team: 'Equipo 3' },
                  time_zone: 'America/Lima' });
    case 'keys.public':
      return ok({ algorithm: 'ed25519', public_key: PK_HEX, key_id: core.keyId });
    case 'shipment.list':
      return ok(structuredClone(core.manifests.filter((m) => m.state === args.state)));
    case 'photo.put': {
      const bytes = Buffer.from(args.data, 'base64');
      const sha = sha256Hex(bytes);
      if (sha !== args.sha256)
        return error(400, 'invalid_argument', 'sha256 does not match the data', { field: 'sha256' });
      const repeat = core.photos.has(sha);
      core.photos.set(sha, bytes);
      return ok({ sha256: sha, bytes: bytes.length, type: 'image/jpeg', repeat });
    }
    case 'delivery.confirm':
      return confirm(args);
    default:
      return error(404, 'unknown_op', `unknown op '${op}'`);
    }
  }

  core.fetch = async (url, init) => {
    const op = url.replace(/^.*\/api\/v1\//, '');
    const { args = {} } = JSON.parse(init.body);
    core.log.push({ op, args, auth: init.headers.Authorization ?? null });
    if (core.failBefore?.(op, args))
      throw new TypeError('Failed to fetch');
    const r = answer(op, args);
    if (core.loseReply?.(op, args))
      throw new TypeError('network connection was lost');
    return new Response(JSON.stringify(r.body), { status: r.status,
                                                   headers: { 'Content-Type': 'application/json' } });
  };
  return core;
}
