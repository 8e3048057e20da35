// screen-verify.js: the "verificar informe" screen: a donor report's QR code read with the
// camera (or its text pasted) and checked offline against the core's key the phone keeps
// (statement.js, docs/PROOF.md), then the signed statement shown in words.  Reachable from
// the scan screen.  Must not show figures as verified unless the signature is genuine:
// anything else is shown as what the code claims, marked unverified.
import { $, el, showScreen } from './dom.js';
import { t } from './i18n.js';
import { cameraRunning, startCamera, stopCamera } from './camera.js';
import { ALTERED, FOREIGN, GENUINE, verifyStatement } from './statement.js';
import { hexToBytes } from './token.js';

// The fingerprint in groups of four, as the report prints it.
export function groupFour(hex) {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

// What to show for a verification result: { verdict, title, lines } in the current
// language; lines are [label, value] pairs (none for a malformed code).
export function describeVerification({ verdict, statement, reason }) {
  const title = verdict === GENUINE ? t('verify.genuine')
    : verdict === ALTERED ? t('verify.altered')
      : verdict === FOREIGN ? t('verify.foreign') : t('verify.malformed', { reason });
  if (!statement)
    return { verdict, title, lines: [] };
  const s = statement;
  const lines = [
    [t('verify.donor'), s.donor],
    [t('verify.period'), t('verify.period_value', { from: s.from, to: s.to })],
    ...s.items.map((it) => [t('verify.delivered', { item: it.code }), String(it.qty)]),
    [t('verify.deliveries'), t('verify.deliveries_value', { deliveries: s.deliveries, scanned: s.scanned })],
    [t('verify.communities'), String(s.communities)],
    [t('verify.checkpoint'), String(s.checkpoint.seq)],
    [t('verify.key'), groupFour(s.keyFingerprint)],
  ];
  return { verdict, title, lines };
}

export function createVerify(app) {
  const video = $('verify-camera');
  let checking = false;

  function render(d) {
    const box = $('verify-result');
    box.dataset.verdict = d.verdict;
    const list = el('dl', { class: 'statement' });
    for (const [k, v] of d.lines)
      list.append(el('dt', {}, k), el('dd', {}, v));
    const children = [el('p', { class: 'verdict' }, d.title)];
    if (d.verdict !== GENUINE && d.lines.length)
      children.push(el('p', { class: 'fine' }, t('verify.unverified')));
    if (d.lines.length)
      children.push(list);
    if (d.verdict === GENUINE)
      children.push(el('p', { class: 'fine' }, t('verify.compare')));
    box.replaceChildren(...children);
    box.hidden = false;
  }

  // Check text (a camera read or pasted) and show the verdict.
  async function check(text) {
    if (checking || document.body.dataset.screen !== 'verify')
      return;
    checking = true;
    try {
      const pk = hexToBytes(app.settings().public_key || '');
      if (!pk || pk.length !== 32)
        return render({ verdict: 'malformed', title: t('scan.no_key'), lines: [] });
      const result = await verifyStatement(text.trim(), pk);
      render(describeVerification(result));
      if (result.verdict === GENUINE)
        stopCamera(video);
    } finally {
      checking = false;
    }
  }

  async function camera() {
    $('verify-camera-message').textContent = '';
    try {
      await startCamera(video, (text) => check(text));
    } catch (e) {
      $('verify-camera-message').textContent = e?.name === 'NotAllowedError'
        ? t('verify.camera_denied') : t('verify.camera_off', { message: e?.message || e });
    }
  }

  $('verify-submit').addEventListener('click', () => check($('verify-text').value));
  $('verify-camera-start').addEventListener('click', camera);
  $('open-verify').addEventListener('click', () => {
    app.scanScreen.hide();
    show();
  });
  $('verify-back').addEventListener('click', () => {
    stopCamera(video);
    app.showScan();
  });

  function show() {
    showScreen('verify');
    $('verify-result').hidden = true;
    $('verify-text').value = '';
    if (!cameraRunning())
      camera();
  }

  return { check, show, hide: () => stopCamera(video) };
}
