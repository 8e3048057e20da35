// screen-enrol.js: enrolling the phone: a code from the URL fragment of the enrolment
// sheet's QR (#enrol=CODE&fp=HEX, which never reaches the server) or typed, redeemed
// with device.enrol for the phone's name and secret, kept in storage; then a sync.
import { $, showScreen } from './dom.js';
import { t } from './i18n.js';

// {code, fp} from a location.hash like "#enrol=CODE&fp=HEX", or null.
export function enrolFragment(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const code = params.get('enrol');
  return code ? { code: code.trim(), fp: (params.get('fp') || '').toUpperCase() } : null;
}

// "4D:83:07:… 6E:C6:…": the fingerprint as the enrolment sheet prints it (and browsers
// show it), bytes joined by colons, in two halves of 16 bytes, the sheet's two lines.
export function groupFingerprint(hex) {
  const bytes = hex.match(/.{1,2}/g) || [];
  return [bytes.slice(0, 16), bytes.slice(16)].filter((h) => h.length)
    .map((h) => h.join(':')).join(' ');
}

export function createEnrol(app) {
  const msg = $('enrol-message');

  async function enrol(code, fp) {
    code = String(code || '').replace(/\s+/g, '').toUpperCase();
    if (!code) {
      msg.textContent = t('enrol.empty');
      return false;
    }
    if (fp) {
      $('enrol-fp-text').textContent = t('enrol.fp', { fp: groupFingerprint(fp) });
      $('enrol-fp').hidden = false;
    }
    msg.textContent = t('enrol.working');
    $('enrol-submit').disabled = true;
    const r = await app.api.call('device.enrol', { code });
    $('enrol-submit').disabled = false;
    if (!r.ok) {
      msg.textContent = r.network ? t('enrol.offline') : t('enrol.refused', { message: r.error.message });
      return false;
    }
    const { name, secret, team, role } = r.result || {};
    if (!name || !secret) {
      msg.textContent = t('enrol.refused', { message: t('error.not_json') });
      return false;
    }
    await app.store.setSettings({ device: name, secret, team: team ?? null, role: role ?? null,
                                  enrolled_at: new Date().toISOString(), fingerprint: fp || null });
    await app.reloadSettings();
    $('enrol-code').value = '';
    msg.textContent = t('sync.syncing');
    await app.enrolled({ name, team, fp, role });
    msg.textContent = '';
    return true;
  }

  $('enrol-submit').addEventListener('click', () => enrol($('enrol-code').value, null));
  $('enrol-code').addEventListener('keydown', (e) => {
    if (e.key === 'Enter')
      enrol($('enrol-code').value, null);
  });

  return {
    enrol,
    show() {
      showScreen('enrol');
    },
  };
}
