// api.js: the gateway's HTTP API (docs/WEB.md): POST /api/v1/OP with {"args","idem"},
// Bearer NAME:SECRET (or Share TOKEN, for a share link), JSON replies.  Every call resolves, never rejects, with one of
//   {ok: true, result}
//   {ok: false, network: true, message}          no answer: offline, timed out, not Ayni
//   {ok: false, status, error: {code, message, details}}   the core's (or gateway's) no
// so that the sync can tell "try again later" from "the core said no".  fetch is
// injectable for the tests.

const RETRY_CODES = new Set(['busy', 'unavailable', 'timeout', 'storage_full', 'storage_error',
                             'io_error', 'internal', 'corrupt']);

// True if the failure r is worth trying again later (no answer, or the server in trouble)
// rather than a judgement on the request.
export function retryable(r) {
  return !r.ok && (r.network || r.status >= 500 || RETRY_CODES.has(r.error?.code));
}

export function createApi({ base = '', fetch = globalThis.fetch.bind(globalThis),
                            credentials = () => null, timeoutMs = 30000 } = {}) {
  async function call(op, args = {}, { idem, timeout = timeoutMs } = {}) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const cred = await credentials();
    if (cred?.share)
      headers.Authorization = `Share ${cred.share}`; // a donor's read-only link (docs/WEB.md)
    else if (cred)
      headers.Authorization = `Bearer ${cred.device}:${cred.secret}`;
    const body = { args };
    if (idem)
      body.idem = idem;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeout);
    let reply;
    try {
      reply = await fetch(`${base}/api/v1/${op}`, {
        method: 'POST', headers, body: JSON.stringify(body), signal: abort.signal,
        cache: 'no-store', credentials: 'omit',
      });
    } catch (e) {
      clearTimeout(timer);
      return { ok: false, network: true, message: e?.name === 'AbortError' ? 'timeout' : String(e?.message || e) };
    }
    let json;
    try {
      json = await reply.json();
    } catch {
      json = null;
    } finally {
      clearTimeout(timer);
    }
    if (json && json.ok === true)
      return { ok: true, result: json.result };
    if (json && json.ok === false && json.error && typeof json.error.code === 'string')
      return { ok: false, status: reply.status,
               error: { code: json.error.code, message: String(json.error.message ?? ''),
                        details: json.error.details ?? {} } };
    // A captive portal's page, a proxy's error: not an answer from Ayni.
    return { ok: false, network: true, status: reply.status, message: 'not_json' };
  }
  return { call };
}
