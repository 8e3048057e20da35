// screen-queue.js: what this phone scanned: queued (waiting for signal), sent (with the
// delivery's recorded time and who, as the core answered) and refused (with why, and for
// a package confirmed already, when and by whom).
import { $, el, showScreen } from './dom.js';
import { formatWhen, language, t } from './i18n.js';
import { whatText, whoText } from './screen-scan.js';

// The core's refusal of a delivery in the reader's words.
export function refusalText(error) {
  const d = error?.details || {};
  const message = error?.message || error?.code || '';
  switch (error?.code) {
  case 'already_delivered':
    return d.delivered_at ? t('refusal.already_delivered', { when: formatWhen(d.delivered_at),
                                                             who: whoText(d.team, d.device) })
                          : t('refusal.already_delivered_all');
  case 'invalid_state':
    return d.state === 'cancelled' ? t('refusal.cancelled') : t('refusal.invalid_state', { message });
  case 'bad_token': case 'not_found': case 'conflict': case 'invalid_argument': case 'bad_request':
    return t(`refusal.${error.code}`, { message });
  default:
    return message;
  }
}

const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function linesText(e) {
  if (!e.lines?.length)
    return t('queue.all');
  const rows = new Map((e.rows || []).map((r) => [r.line, r]));
  return t('queue.short', { lines: e.lines.map((l) => {
    const r = rows.get(l.line);
    const name = r ? (language() === 'en' ? r.name_en : r.name_es) || r.item : `#${l.line}`;
    return t('queue.short_line', { name, received: l.received, qty: r ? r.qty : '?',
                                   reason: t(`reason.${l.reason}`).toLowerCase() });
  }).join('; ') });
}

function item(e) {
  const token = { shipment: e.shipment, package: e.package, count: e.count };
  const extras = [e.photo || e.photo_refused ? t('queue.photo') : null, e.position ? t('queue.position') : null]
    .filter(Boolean).join(' · ');
  let outcome = null;
  if (e.state === 'sent')
    outcome = t('queue.sent_at', { when: formatWhen(e.result?.delivered_at || e.scanned_at),
                                   who: whoText(e.result?.team, e.result?.device) });
  else if (e.state === 'refused')
    outcome = capitalise(refusalText(e.error));
  return el('li', { 'data-scan-id': e.scan_id, 'data-state': e.state, 'data-shipment': e.shipment,
                    'data-package': e.package },
    el('p', { class: 'head' }, el('span', { class: `badge ${e.state}` }, t(`queue.state.${e.state}`)),
       ` ${e.shipment} · ${whatText(token)}`),
    el('p', { class: 'fine' }, t('queue.scanned', { when: formatWhen(e.scanned_at) })),
    el('p', {}, linesText(e) + (extras ? ` · ${extras}` : '')),
    outcome && el('p', { class: e.state === 'refused' ? 'why' : 'fine' }, outcome),
    e.photo_error && el('p', { class: 'why' }, capitalise(t('queue.photo_refused', { message: e.photo_error }))));
}

export function createQueueScreen(app) {
  async function render() {
    const queue = await app.store.listQueue();
    const c = { queued: 0, sent: 0, refused: 0 };
    for (const e of queue)
      c[e.state]++;
    $('queue-count').textContent = c.queued ? String(c.queued) : '';
    $('queue-summary').textContent = t('queue.summary', c);
    $('queue-list').replaceChildren(...queue.slice().reverse().map(item));
    $('queue-empty').hidden = queue.length > 0;
  }

  $('sync-now').addEventListener('click', () => app.runSync());

  return {
    render,
    async show() {
      app.scanScreen.hide();
      showScreen('queue');
      await render();
    },
  };
}
