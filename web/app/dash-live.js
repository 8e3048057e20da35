// dash-live.js: the gateway's event stream (docs/WEB.md, "The event stream") for the
// dashboard: a ticket from events.ticket, then an EventSource from the last seq seen, so
// that every event reaches the page once, in order, across sleeps and lost signal.
// EventSource reconnects by itself with Last-Event-ID; when it gives up (the ticket
// expired, the gateway restarted) or the browser went offline, this opens a new stream
// with a new ticket from the last seq it has (?since=).  An event at or below that seq is
// dropped: none counts twice.  What must not happen here: a figure drawn from the events
// themselves (the page asks the core again, dashboard.panorama, on each).

// Every type aynid publishes (docs/PROTOCOL.md section 7): EventSource hands a named
// event only to a listener of that name.
export const EVENT_TYPES = [
  'item.added', 'location.added', 'donor.added', 'stock.received', 'stock.transferred',
  'stock.adjusted', 'stock.low', 'shipment.created', 'shipment.line_added',
  'shipment.dispatched', 'shipment.cancelled', 'shipment.delivered', 'delivery.confirmed',
  'delivery.discrepancy', 'device.added', 'device.disabled', 'device.enrol_code',
  'device.enrolled', 'photo.stored', 'ledger.checkpoint', 'share.created', 'share.revoked',
  'webhook.added', 'webhook.removed',
];

// api: api.js's; since: the seq to start after; onEvent(event): each new event, in order;
// onState(state): 'live', 'offline' or 'catching-up'; reopenMs: how long to wait before a
// new stream after one was refused.  EventSourceImpl is injectable for the tests.
export function createLive({ api, since, onEvent, onState, reopenMs = 2000,
                             EventSourceImpl = globalThis.EventSource }) {
  let last = since;
  let source = null;
  let timer = null;
  let stopped = false;

  function receive(msg) {
    let e;
    try {
      e = JSON.parse(msg.data);
    } catch {
      return;
    }
    const seq = Number(e?.seq ?? msg.lastEventId);
    if (!Number.isInteger(seq) || seq <= last)
      return; // already shown: a replay overlapping what came live
    last = seq;
    onEvent(e);
  }

  function close() {
    if (source) {
      source.close();
      source = null;
    }
    clearTimeout(timer);
    timer = null;
  }

  function later() {
    close();
    if (!stopped)
      timer = setTimeout(open, reopenMs);
  }

  async function open() {
    close();
    if (stopped)
      return;
    if (globalThis.navigator?.onLine === false) {
      onState('offline');
      return; // the 'online' event opens it again
    }
    onState('catching-up');
    const r = await api.call('events.ticket', {}, { timeout: 10000 });
    if (stopped || source)
      return;
    if (!r.ok || !r.result?.ticket) {
      onState('offline');
      later();
      return;
    }
    const url = `/api/v1/events?ticket=${encodeURIComponent(r.result.ticket)}&since=${last}`;
    const es = new EventSourceImpl(url);
    source = es;
    es.onopen = () => onState('live');
    for (const type of EVENT_TYPES)
      es.addEventListener(type, receive);
    es.addEventListener('error', (ev) => {
      if (source !== es)
        return;
      // The stream's own "event: error" (the device was disabled) carries data.
      if (ev.data || es.readyState === 2 /* CLOSED: 401, 403, a restarted gateway */) {
        onState('offline');
        later();
      } else {
        onState('offline'); // CONNECTING: EventSource retries with Last-Event-ID
      }
    });
  }

  globalThis.addEventListener?.('offline', () => {
    close();
    onState('offline');
  });
  globalThis.addEventListener?.('online', () => open());

  return {
    open,
    last: () => last,
    stop() {
      stopped = true;
      close();
    },
  };
}
