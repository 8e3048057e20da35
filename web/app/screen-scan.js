// screen-scan.js: the scan screen: the camera, the box for a typed code, and the verdict
// on each code.  A code is checked here, offline, against the core's key before anything
// is stored: altered, forged and unreadable codes are refused on the spot and never
// queued; a genuine one opens the arrived screen, unless this phone has it already.
import { lookup } from './deliveries.js';
import { $, showResult, showScreen } from './dom.js';
import { formatWhen, t } from './i18n.js';
import { ALTERED, FORGED, GENUINE, hexToBytes, verifyToken } from './token.js';
import { cameraRunning, startCamera, stopCamera } from './camera.js';

// "paquete 3 de 5" or "guía completa (5 paquetes)".
export function whatText(token) {
  return token.package ? t('what.package', { package: token.package, count: token.count })
                       : t('what.slip', { count: token.count });
}

export function whoText(team, device) {
  if (team && device)
    return t('who.team_device', { team, device });
  return team || device || t('who.unknown');
}

function buzz() {
  navigator.vibrate?.([200, 100, 200]);
}

export function createScan(app) {
  const video = $('camera');
  let checking = false;

  async function camera() {
    $('camera-message').textContent = '';
    try {
      await startCamera(video, (text) => handleCode(text));
      $('camera-start').hidden = true;
    } catch (e) {
      $('camera-start').hidden = false;
      $('camera-message').textContent = e?.name === 'NotAllowedError'
        ? t('scan.camera_denied') : t('scan.camera_off', { message: e?.message || e });
    }
  }

  function refuse(verdict, token) {
    const claim = token ? `${token.shipment} ${token.package}/${token.count}` : '';
    const key = verdict === ALTERED ? (token ? 'verdict.altered' : 'verdict.altered_plain')
                                    : verdict === FORGED ? 'verdict.forged' : 'verdict.malformed';
    showResult(verdict, t(key, { claim }));
    buzz();
  }

  function already(found, token) {
    const vars = { shipment: token.shipment, what: whatText(token) };
    if (found.kind === 'queued')
      return showResult('queued', t('verdict.queued', { ...vars, when: formatWhen(found.entry.scanned_at) }));
    if (found.kind === 'sent')
      return showResult('confirmed', t('verdict.sent', { ...vars, when: formatWhen(found.entry.scanned_at) }));
    if (found.kind === 'all_done')
      return showResult('confirmed', t('verdict.all_done', vars));
    return showResult('confirmed', t('verdict.confirmed', {
      ...vars, when: formatWhen(found.when), who: whoText(found.team, found.device) }));
  }

  // Judge text (a camera read or a typed code) and act on the verdict.
  async function handleCode(text) {
    if (checking || document.body.dataset.screen !== 'scan')
      return;
    checking = true;
    try {
      const s = app.settings();
      const pk = hexToBytes(s.public_key || '');
      if (!pk || pk.length !== 32)
        return showResult(null, t('scan.no_key'));
      const { verdict, token } = await verifyToken(text, pk);
      if (verdict !== GENUINE)
        return refuse(verdict, token);
      const canonical = text.replace(/\r?\n$|\r$/, '').toUpperCase();
      const found = lookup(token, await app.store.listManifests(), await app.store.listQueue());
      if (found.kind !== 'arrive' && found.kind !== 'unknown')
        return already(found, token);
      const vars = { shipment: token.shipment, what: whatText(token) };
      showResult(found.kind === 'unknown' ? 'unknown' : 'genuine',
                 t(found.kind === 'unknown' ? 'verdict.unknown' : 'verdict.genuine', vars));
      stopCamera(video);
      app.arrived.open({ text: canonical, token, found, scannedAt: new Date() });
    } finally {
      checking = false;
    }
  }

  $('camera-start').addEventListener('click', camera);
  $('manual-submit').addEventListener('click', async () => {
    // A person typing a long code breaks it into groups: spaces are not part of a token.
    await handleCode($('manual-code').value.replace(/[\s]+/g, ''));
  });

  return {
    handleCode,
    show() {
      showScreen('scan');
      const s = app.settings();
      $('enrolled-as').textContent = s.device
        ? t('scan.enrolled_as', { device: s.device, team: s.team || '—' }) : '';
      if (!cameraRunning())
        camera();
    },
    hide() {
      stopCamera(video);
    },
    clearManual() {
      $('manual-code').value = '';
    },
  };
}
