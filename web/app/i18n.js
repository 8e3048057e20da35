// i18n.js: every word the app shows, Spanish first (register tú), English second: one
// catalog per language, as the C tools' .po files.  tests/webapp/i18n.test.mjs checks that
// both have the same keys and the same {placeholders}.  No DOM at load time.

export const catalogs = {
  es: {
    'app.title': 'Ayni — escáner',
    'app.loading': 'Cargando…',
    'nav.scan': 'Escanear',
    'nav.queue': 'Cola',
    'sync.idle': 'Sin sincronizar todavía',
    'sync.syncing': 'Sincronizando…',
    'sync.ok_counts': 'Sincronizado {when} · en cola: {queued}',
    'sync.offline': 'Sin señal: lo escaneado queda guardado en el teléfono',
    'sync.offline_queued': 'Sin señal · en cola: {queued}; se envían al volver la señal',
    'sync.error': 'No se pudo sincronizar: {message}',
    'sync.not_enrolled': 'Teléfono sin inscribir',
    'sync.key_mismatch': 'la clave pública del servidor no coincide con su identificador: avisa al administrador',
    'sync.forbidden': 'el servidor no acepta este teléfono ({message}): pide una hoja de inscripción nueva',
    'sync.server_busy': 'el servidor no responde ahora ({message}); se reintentará solo',
    'enrol.title': 'Inscribe este teléfono',
    'enrol.intro': 'Escanea el código QR de la hoja de inscripción con la cámara del teléfono, o escribe aquí el código de la hoja.',
    'enrol.code_label': 'Código de inscripción (26 letras y números)',
    'enrol.submit': 'Inscribir',
    'enrol.working': 'Inscribiendo…',
    'enrol.fp': 'Compara esta huella con la de la hoja: {fp}',
    'enrol.fp_hint': 'Si no es la misma, no sigas y avisa al administrador.',
    'enrol.done': 'Inscrito como {device} ({team}).',
    'enrol.done_no_team': 'Inscrito como {device}, sin equipo: no verás envíos hasta que te asignen uno.',
    'enrol.empty': 'Escribe el código de la hoja de inscripción.',
    'enrol.offline': 'Sin señal: la inscripción necesita conexión con el servidor. Vuelve a intentarlo con señal.',
    'enrol.refused': 'No se pudo inscribir: {message}',
    'scan.title': 'Escanea el código QR de la hoja o del paquete',
    'scan.camera_start': 'Encender la cámara',
    'scan.camera_off': 'La cámara no está disponible: {message}. Escribe el código de la hoja.',
    'scan.camera_denied': 'No hay permiso para usar la cámara. Escribe el código de la hoja.',
    'scan.manual_label': '¿La cámara no lo lee? Escribe o pega el código (empieza con AYNI)',
    'scan.manual_submit': 'Comprobar código',
    'scan.enrolled_as': 'Teléfono {device} · {team}',
    'scan.no_key': 'Todavía no tienes la clave del servidor: sincroniza con señal una vez antes de escanear.',
    'scan.checking': 'Comprobando…',
    'verdict.genuine': 'Código auténtico: {shipment}, {what}.',
    'verdict.altered': 'Código alterado: lo cambiaron después de firmarlo. No entregues. ({claim})',
    'verdict.altered_plain': 'Código alterado: lo cambiaron después de firmarlo. No entregues.',
    'verdict.forged': 'Código falsificado: no lo firmó este sistema. No entregues. ({claim})',
    'verdict.malformed': 'Código ilegible o incompleto: vuelve a escanearlo.',
    'verdict.unknown': 'Código auténtico: {shipment}, {what}. No está en la lista de este teléfono: puedes confirmar que llegó todo; el servidor lo revisará al sincronizar.',
    'verdict.queued': '{shipment}, {what}: ya lo escaneaste {when}; está en la cola, sin enviar todavía.',
    'verdict.sent': '{shipment}, {what}: ya lo confirmaste {when}; el servidor lo recibió.',
    'verdict.confirmed': '{shipment}, {what}: ya fue confirmado {when} por {who}. Se cuenta una sola vez.',
    'verdict.all_done': '{shipment}: todos sus paquetes ya fueron confirmados. Se cuenta una sola vez.',
    'what.package': 'paquete {package} de {count}',
    'what.slip': 'guía completa ({count} paquetes)',
    'arrived.title': '¿Qué llegó?',
    'arrived.to': 'Para {to}',
    'arrived.unknown_note': 'No está en la lista de este teléfono: solo puedes confirmar que llegó todo.',
    'arrived.all': 'Llegó todo',
    'arrived.lines_title': '¿Faltó algo? Escribe cuánto llegó de cada línea',
    'arrived.sent_qty': 'Enviado: {qty}',
    'arrived.received': 'Llegó',
    'arrived.reason': 'Motivo',
    'arrived.reason_none': 'Motivo, si faltó algo',
    'arrived.confirm_lines': 'Confirmar lo que llegó',
    'arrived.need_reason': 'Línea {line}: llegó menos de lo enviado; elige el motivo.',
    'arrived.bad_qty': 'Línea {line}: escribe un número entre 0 y {qty}.',
    'arrived.evidence': 'Pruebas (opcional)',
    'arrived.photo': 'Tomar foto de la hoja firmada',
    'arrived.photo_ready': 'Foto lista ({kb} KB)',
    'arrived.photo_working': 'Preparando la foto…',
    'arrived.photo_failed': 'No se pudo usar la foto: {message}',
    'arrived.position': 'Guardar la zona (solo el distrito, nunca el lugar exacto)',
    'arrived.position_ready': 'Zona guardada: {lat}, {lon}',
    'arrived.position_failed': 'No se pudo obtener la zona: {message}',
    'arrived.cancel': 'Cancelar',
    'arrived.saved': 'Guardado en la cola: {shipment}, {what}.',
    'reason.damaged': 'Dañado',
    'reason.missing': 'Faltante',
    'reason.expired': 'Vencido',
    'reason.refused': 'Rechazado',
    'queue.title': 'Lo escaneado en este teléfono',
    'queue.empty': 'Todavía no escaneaste nada.',
    'queue.sync_now': 'Sincronizar ahora',
    'queue.summary': 'En cola: {queued} · Enviadas: {sent} · Rechazadas: {refused}',
    'queue.state.queued': 'En cola',
    'queue.state.sent': 'Enviada',
    'queue.state.refused': 'Rechazada',
    'queue.scanned': 'Escaneado {when}',
    'queue.sent_at': 'Entrega registrada {when} por {who}',
    'queue.all': 'Llegó todo',
    'queue.short': 'Faltó algo: {lines}',
    'queue.short_line': '{name}: llegó {received} de {qty} ({reason})',
    'queue.photo': 'con foto',
    'queue.photo_refused': 'la foto no se aceptó ({message}); la entrega se envió sin ella',
    'queue.position': 'con zona',
    'refusal.already_delivered': 'ya fue confirmado {when} por {who}; se cuenta una sola vez',
    'refusal.already_delivered_all': 'todos los paquetes de este envío ya fueron confirmados; se cuenta una sola vez',
    'refusal.cancelled': 'el envío fue cancelado: no lo entregues; devuelve la carga al almacén',
    'refusal.invalid_state': 'el envío no se puede confirmar en su estado: {message}',
    'refusal.bad_token': 'el servidor no acepta este código: {message}',
    'refusal.not_found': 'el servidor no conoce este envío: {message}',
    'refusal.conflict': 'contradice lo ya registrado: {message}',
    'refusal.invalid_argument': 'datos no válidos: {message}',
    'refusal.bad_request': 'solicitud no válida: {message}',
    'who.team_device': '{team} (teléfono {device})',
    'who.unknown': 'otro equipo',
    'error.network': 'sin conexión con el servidor',
    'error.not_json': 'el servidor respondió algo que no es Ayni',
    'verify.open': 'Verificar un informe al donante',
    'verify.title': 'Verificar informe',
    'verify.intro': 'Escanea el código QR de un informe al donante, o pega su texto: el teléfono comprueba sin señal que lo firmó el sistema y muestra las cifras firmadas.',
    'verify.text_label': 'O pega aquí el texto del código (empieza con AYNI-R1~)',
    'verify.submit': 'Verificar',
    'verify.back': 'Volver a escanear',
    'verify.camera_off': 'La cámara no está disponible: {message}. Pega el texto del código.',
    'verify.camera_denied': 'No hay permiso para usar la cámara. Pega el texto del código.',
    'verify.genuine': '✓ Auténtico: firmado con la clave del sistema, sin cambios',
    'verify.altered': '✗ Alterado: cambiado después de firmarse. No confíes en estas cifras.',
    'verify.foreign': '✗ Firmado con otra clave: no es un informe de este sistema.',
    'verify.malformed': '✗ No es un informe firmado legible ({reason}). Escanéalo otra vez.',
    'verify.unverified': 'Lo que dice el código, SIN verificar:',
    'verify.compare': 'Compara estas cifras con las impresas en el informe: deben ser las mismas.',
    'verify.donor': 'Donante',
    'verify.period': 'Periodo',
    'verify.period_value': 'del {from} al {to}',
    'verify.delivered': 'Entregado {item}',
    'verify.deliveries': 'Entregas',
    'verify.deliveries_value': '{deliveries}, {scanned} confirmadas por escaneo',
    'verify.communities': 'Comunidades',
    'verify.checkpoint': 'Punto de control',
    'verify.key': 'Huella de la clave',
  },
  en: {
    'app.title': 'Ayni — scanner',
    'app.loading': 'Loading…',
    'nav.scan': 'Scan',
    'nav.queue': 'Queue',
    'sync.idle': 'Not synced yet',
    'sync.syncing': 'Syncing…',
    'sync.ok_counts': 'Synced {when} · queued: {queued}',
    'sync.offline': 'No signal: what you scan is kept on the phone',
    'sync.offline_queued': 'No signal · queued: {queued}; sent when the signal is back',
    'sync.error': 'Could not sync: {message}',
    'sync.not_enrolled': 'Phone not enrolled',
    'sync.key_mismatch': 'the server\'s public key does not match its key id: tell the administrator',
    'sync.forbidden': 'the server does not accept this phone ({message}): ask for a new enrolment sheet',
    'sync.server_busy': 'the server is not answering now ({message}); it will be tried again',
    'enrol.title': 'Enrol this phone',
    'enrol.intro': 'Scan the enrolment sheet\'s QR code with the phone\'s camera, or type the sheet\'s code here.',
    'enrol.code_label': 'Enrolment code (26 letters and digits)',
    'enrol.submit': 'Enrol',
    'enrol.working': 'Enrolling…',
    'enrol.fp': 'Compare this fingerprint with the sheet\'s: {fp}',
    'enrol.fp_hint': 'If it is not the same, stop and tell the administrator.',
    'enrol.done': 'Enrolled as {device} ({team}).',
    'enrol.done_no_team': 'Enrolled as {device}, with no team: you will see no shipments until you get one.',
    'enrol.empty': 'Type the code of the enrolment sheet.',
    'enrol.offline': 'No signal: enrolment needs the server. Try again with signal.',
    'enrol.refused': 'Could not enrol: {message}',
    'scan.title': 'Scan the QR code of the slip or the package',
    'scan.camera_start': 'Turn the camera on',
    'scan.camera_off': 'The camera is not available: {message}. Type the slip\'s code.',
    'scan.camera_denied': 'No permission to use the camera. Type the slip\'s code.',
    'scan.manual_label': 'The camera cannot read it? Type or paste the code (it starts with AYNI)',
    'scan.manual_submit': 'Check code',
    'scan.enrolled_as': 'Phone {device} · {team}',
    'scan.no_key': 'You do not have the server\'s key yet: sync once with signal before scanning.',
    'scan.checking': 'Checking…',
    'verdict.genuine': 'Genuine code: {shipment}, {what}.',
    'verdict.altered': 'Altered code: changed after it was signed. Do not deliver. ({claim})',
    'verdict.altered_plain': 'Altered code: changed after it was signed. Do not deliver.',
    'verdict.forged': 'Forged code: not signed by this system. Do not deliver. ({claim})',
    'verdict.malformed': 'Unreadable or incomplete code: scan it again.',
    'verdict.unknown': 'Genuine code: {shipment}, {what}. It is not in this phone\'s list: you can confirm that everything arrived; the server checks it at sync.',
    'verdict.queued': '{shipment}, {what}: you scanned it already {when}; it is queued, not sent yet.',
    'verdict.sent': '{shipment}, {what}: you confirmed it already {when}; the server has it.',
    'verdict.confirmed': '{shipment}, {what}: confirmed already {when} by {who}. It counts once.',
    'verdict.all_done': '{shipment}: every package was confirmed already. It counts once.',
    'what.package': 'package {package} of {count}',
    'what.slip': 'whole slip ({count} packages)',
    'arrived.title': 'What arrived?',
    'arrived.to': 'For {to}',
    'arrived.unknown_note': 'It is not in this phone\'s list: you can only confirm that everything arrived.',
    'arrived.all': 'Everything arrived',
    'arrived.lines_title': 'Something missing? Type how much arrived of each line',
    'arrived.sent_qty': 'Sent: {qty}',
    'arrived.received': 'Arrived',
    'arrived.reason': 'Reason',
    'arrived.reason_none': 'Reason, if short',
    'arrived.confirm_lines': 'Confirm what arrived',
    'arrived.need_reason': 'Line {line}: less arrived than was sent; choose the reason.',
    'arrived.bad_qty': 'Line {line}: type a number from 0 to {qty}.',
    'arrived.evidence': 'Evidence (optional)',
    'arrived.photo': 'Take a photo of the signed slip',
    'arrived.photo_ready': 'Photo ready ({kb} KB)',
    'arrived.photo_working': 'Preparing the photo…',
    'arrived.photo_failed': 'Could not use the photo: {message}',
    'arrived.position': 'Keep the area (the district only, never the exact place)',
    'arrived.position_ready': 'Area kept: {lat}, {lon}',
    'arrived.position_failed': 'Could not get the area: {message}',
    'arrived.cancel': 'Cancel',
    'arrived.saved': 'Queued: {shipment}, {what}.',
    'reason.damaged': 'Damaged',
    'reason.missing': 'Missing',
    'reason.expired': 'Expired',
    'reason.refused': 'Refused',
    'queue.title': 'What this phone scanned',
    'queue.empty': 'Nothing scanned yet.',
    'queue.sync_now': 'Sync now',
    'queue.summary': 'Queued: {queued} · Sent: {sent} · Refused: {refused}',
    'queue.state.queued': 'Queued',
    'queue.state.sent': 'Sent',
    'queue.state.refused': 'Refused',
    'queue.scanned': 'Scanned {when}',
    'queue.sent_at': 'Delivery recorded {when} by {who}',
    'queue.all': 'Everything arrived',
    'queue.short': 'Something missing: {lines}',
    'queue.short_line': '{name}: {received} of {qty} arrived ({reason})',
    'queue.photo': 'with photo',
    'queue.photo_refused': 'the photo was not accepted ({message}); the delivery was sent without it',
    'queue.position': 'with area',
    'refusal.already_delivered': 'confirmed already {when} by {who}; it counts once',
    'refusal.already_delivered_all': 'every package of this shipment was confirmed already; it counts once',
    'refusal.cancelled': 'the shipment was cancelled: do not deliver it; take the goods back to the warehouse',
    'refusal.invalid_state': 'the shipment cannot be confirmed in its state: {message}',
    'refusal.bad_token': 'the server does not accept this code: {message}',
    'refusal.not_found': 'the server does not know this shipment: {message}',
    'refusal.conflict': 'it contradicts what is recorded already: {message}',
    'refusal.invalid_argument': 'data not valid: {message}',
    'refusal.bad_request': 'request not valid: {message}',
    'who.team_device': '{team} (phone {device})',
    'who.unknown': 'another team',
    'error.network': 'no connection to the server',
    'error.not_json': 'the server answered something that is not Ayni',
    'verify.open': 'Verify a donor report',
    'verify.title': 'Verify report',
    'verify.intro': 'Scan the QR code of a donor report, or paste its text: the phone checks offline that the system signed it and shows the signed figures.',
    'verify.text_label': 'Or paste the code\'s text here (it starts with AYNI-R1~)',
    'verify.submit': 'Verify',
    'verify.back': 'Back to scanning',
    'verify.camera_off': 'The camera is not available: {message}. Paste the code\'s text.',
    'verify.camera_denied': 'No permission to use the camera. Paste the code\'s text.',
    'verify.genuine': '✓ Genuine: signed with the system\'s key, unchanged',
    'verify.altered': '✗ Altered: changed after it was signed. Do not trust these figures.',
    'verify.foreign': '✗ Signed with another key: not a report of this system.',
    'verify.malformed': '✗ Not a readable signed report ({reason}). Scan it again.',
    'verify.unverified': 'What the code claims, NOT verified:',
    'verify.compare': 'Compare these figures with the ones printed on the report: they must be the same.',
    'verify.donor': 'Donor',
    'verify.period': 'Period',
    'verify.period_value': '{from} to {to}',
    'verify.delivered': 'Delivered {item}',
    'verify.deliveries': 'Deliveries',
    'verify.deliveries_value': '{deliveries}, {scanned} confirmed by scan',
    'verify.communities': 'Communities',
    'verify.checkpoint': 'Checkpoint',
    'verify.key': 'Key fingerprint',
  },
};

let current = 'es';

// The language for a list like navigator.languages: the first of es or en it names
// (by primary tag), else Spanish.
export function pickLanguage(languages) {
  for (const tag of languages || []) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (primary in catalogs)
      return primary;
  }
  return 'es';
}

export function setLanguage(lang) {
  current = lang in catalogs ? lang : 'es';
}

export function language() {
  return current;
}

// The text of key in the current language with {name} filled from vars; the Spanish
// text if the key is missing from the current catalog, the key itself if from both.
export function t(key, vars = {}) {
  const text = catalogs[current][key] ?? catalogs.es[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// The organisation's time zone (server.info time_zone, "America/Lima"): times are shown
// in it, as the warehouse tool, the slips and the terminal scanner show them, whatever
// zone the phone's own clock is set to.  null, or a zone this browser does not know: the
// phone's own.
let zone = null;

export function setTimeZone(name) {
  zone = null;
  if (!name)
    return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    zone = name;
  } catch {
    /* RangeError: not a zone here; the phone's own it is */
  }
}

// When iso was, as a phrase in the reader's language and the organisation's zone: "hoy a
// las 01:58", "el 22/11/2026 a las 01:58" ("today at 01:58", "on 22/11/2026 at 01:58").
export function formatWhen(iso, now = new Date()) {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime()))
    return String(iso);
  const locale = current === 'en' ? 'en-GB' : 'es-PE';
  const tz = zone ? { timeZone: zone } : {};
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...tz });
  const day = (x) => x.toLocaleDateString(locale, { day: '2-digit', month: '2-digit', year: 'numeric', ...tz });
  const date = day(d);
  const today = date === day(now);
  if (current === 'en')
    return today ? `today at ${time}` : `on ${date} at ${time}`;
  return today ? `hoy a las ${time}` : `el ${date} a las ${time}`;
}
