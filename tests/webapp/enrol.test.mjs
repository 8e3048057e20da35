// enrol.test.mjs: what the app reads from the enrolment sheet's QR (#enrol=CODE&fp=HEX)
// and the fingerprint as it shows it, written as the sheet prints it (printer/prn_enrol.c:
// bytes joined by colons, two lines of 16), so a person compares like with like.
import assert from 'node:assert/strict';
import test from 'node:test';
import { load } from './appdir.mjs';

const { enrolFragment, groupFingerprint } = await load('screen-enrol.js');
const hex = 'F52C29384668472470293CA02C403D066EC61FD40E68F114F3B2563C0D40FA86';

test('the fragment of the sheet QR gives the code and the fingerprint', () => {
  assert.deepEqual(enrolFragment(`#enrol=DBFOYS2DZ4YFRDPVKYIYQV35EI&fp=${hex.toLowerCase()}`),
                   { code: 'DBFOYS2DZ4YFRDPVKYIYQV35EI', fp: hex });
  assert.equal(enrolFragment('#other=1'), null);
  assert.equal(enrolFragment(''), null);
});

test('the fingerprint reads as the sheet prints it', () => {
  assert.equal(groupFingerprint(hex),
               'F5:2C:29:38:46:68:47:24:70:29:3C:A0:2C:40:3D:06 ' +
               '6E:C6:1F:D4:0E:68:F1:14:F3:B2:56:3C:0D:40:FA:86');
});
