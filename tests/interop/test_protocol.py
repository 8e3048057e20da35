#!/usr/bin/python3
"""Interoperability test for aynid, written from docs/PROTOCOL.md (and docs/TOKENS.md) only.

It starts its own aynid (--insecure, ipc:// endpoints in a temporary folder) and talks to it
the way the document says a client in any language may: one JSON object per frame on a
DEALER socket, events as two-frame messages on a SUB socket, the hash chain recomputed with
the document's own canonical form, and the catch-up procedure of section 7.3.

The aynid binary comes from $AYNID, or ../../build/core/service/aynid relative to this file.
Standard library plus pyzmq only; run it with Debian's /usr/bin/python3.
"""

import datetime
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
AYNID = os.environ.get("AYNID") or os.path.join(HERE, "..", "..", "build", "core", "service", "aynid")

CALL_TIMEOUT_MS = 5000          # PROTOCOL.md 1: the C client's time-out per call
EVENT_TIMEOUT_S = 3.0           # events leave at least every 200 ms (PROTOCOL.md 7)
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")   # PROTOCOL.md 6: UTC times
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
COMMON_KEYS = {"seq", "type", "at", "actor", "hash"}               # PROTOCOL.md 7 "Every body has"


# ---------------------------------------------------------------------------------------
# PROTOCOL.md 7.2, the hash chain: the document's Python, verbatim.
# ---------------------------------------------------------------------------------------
def canon_str(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in '"\\':
            out.append('\\' + ch)
        elif ch in '\b\f\n\r\t':
            out.append({'\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}[ch])
        elif c < 0x20 or 0x7f < c < 0x10000:
            out.append('\\u%04X' % c)
        elif c >= 0x10000:
            c -= 0x10000
            out.append('\\u%04X\\u%04X' % (0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)))
        else:
            out.append(ch)
    return ''.join(out) + '"'


def canon(v):
    if isinstance(v, dict):
        return '{' + ','.join(canon_str(k) + ':' + canon(v[k]) for k in sorted(v)) + '}'
    if isinstance(v, list):
        return '[' + ','.join(canon(x) for x in v) + ']'
    if isinstance(v, str):
        return canon_str(v)
    if v is True or v is False or v is None:
        return {True: 'true', False: 'false', None: 'null'}[v]
    return str(v)  # integers


def check_chain(events, prev_hex='0' * 64):
    """events: bodies in seq order, as published or from events.since."""
    for e in events:
        body = {k: v for k, v in e.items() if k != 'hash'}
        want = hashlib.sha256(bytes.fromhex(prev_hex) + canon(body).encode('ascii')).hexdigest()
        if want != e['hash']:
            raise ValueError('event %d: hash does not match' % e['seq'])
        prev_hex = e['hash']
    return prev_hex   # the head: compare with server.info's events.hash


# ---------------------------------------------------------------------------------------
# TOKENS.md: decode a token and verify its Ed25519 signature (RFC 8032, pure Python).
# ---------------------------------------------------------------------------------------
_P = 2 ** 255 - 19
_Q = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_BY = 4 * pow(5, _P - 2, _P) % _P


def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_BX = _recover_x(_BY, 0)
_B = (_BX, _BY, 1, _BX * _BY % _P)


def _add(p1, p2):
    a = (p1[1] - p1[0]) * (p2[1] - p2[0]) % _P
    b = (p1[1] + p1[0]) * (p2[1] + p2[0]) % _P
    c = 2 * p1[3] * p2[3] * _D % _P
    d = 2 * p1[2] * p2[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _encode(pt):
    zi = pow(pt[2], _P - 2, _P)
    x, y = pt[0] * zi % _P, pt[1] * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(b):
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _P:
        return None
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def ed25519_verify(pub, msg, sig):
    if len(pub) != 32 or len(sig) != 64:
        return False
    a = _decode(pub)
    r = _decode(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if a is None or r is None or s >= _Q:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % _Q
    return _encode(_mul(s, _B)) == _encode(_add(r, _mul(k, a)))


def b32decode_nopad(text):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    bits = nbits = 0
    out = bytearray()
    for ch in text:
        bits = (bits << 5) | alphabet.index(ch)
        nbits += 5
        if nbits >= 8:
            nbits -= 8
            out.append((bits >> nbits) & 0xFF)
    if bits & ((1 << nbits) - 1):
        raise ValueError("non-zero trailing bits")
    return bytes(out)


def decode_token(text, public_key_hex):
    """TOKENS.md 'Text form' and 'Payload (version 1)'; returns the fields and the verdict."""
    if not text.startswith("AYNI"):
        raise ValueError("no AYNI prefix")
    p = b32decode_nopad(text[4:])
    s = p[9]
    shipment = p[10:10 + s].decode("ascii")
    d = p[10 + s]
    dest = p[11 + s:11 + s + d].decode("ascii")
    sig = p[11 + s + d:]
    if len(p) != 75 + s + d or len(sig) != 64:
        raise ValueError("wrong payload length")
    pub = bytes.fromhex(public_key_hex)
    return {
        "version": p[0],
        "key_id": p[1:5].hex(),
        "package": int.from_bytes(p[5:7], "big"),
        "count": int.from_bytes(p[7:9], "big"),
        "shipment": shipment,
        "dest": dest,
        "genuine": ed25519_verify(pub, b"ayni-qr-token" + p[:11 + s + d], sig),
    }


# ---------------------------------------------------------------------------------------
# A client, as PROTOCOL.md 1, 2 and 7.3 describe it.
# ---------------------------------------------------------------------------------------
class Client:
    def __init__(self, ctx, endpoint):
        self.sock = ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(endpoint)
        self.next_id = 1

    def send_raw(self, frames):
        self.sock.send_multipart(frames)
        if not self.sock.poll(CALL_TIMEOUT_MS):
            raise TimeoutError("no reply from aynid in %d ms" % CALL_TIMEOUT_MS)
        return self.sock.recv_multipart()

    def call(self, op, args=None, idem=None, **extra):
        rid = "c-%d" % self.next_id
        self.next_id += 1
        req = {"v": 1, "id": rid, "op": op}
        if args is not None:
            req["args"] = args
        if idem is not None:
            req["idem"] = idem
        req.update(extra)
        self.sock.send(json.dumps(req).encode("utf-8"))
        deadline = time.monotonic() + CALL_TIMEOUT_MS / 1000
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.sock.poll(int(left * 1000) + 1):
                raise TimeoutError("no reply to %s in %d ms" % (op, CALL_TIMEOUT_MS))
            reply = json.loads(self.sock.recv())
            if reply.get("id") == rid:      # a late reply to an earlier call: drop it
                return reply

    def ok(self, op, args=None, idem=None):
        reply = self.call(op, args, idem)
        if not reply.get("ok"):
            raise AssertionError("%s %s failed: %s" % (op, json.dumps(args), json.dumps(reply)))
        assert reply["v"] == 1
        return reply["result"]

    def close(self):
        self.sock.close(0)


class Follower:
    """PROTOCOL.md 7.3: subscribe first, catch up with events.since, then follow live,
    dropping duplicates and filling gaps with events.since."""

    def __init__(self, ctx, endpoint, client, last=0, processed=None):
        self.ctx, self.endpoint, self.client = ctx, endpoint, client
        self.last = last
        self.processed = processed if processed is not None else []
        self.live = []          # (topic, body) of every live message, as received
        self.duplicates = []    # seqs dropped as duplicates
        self.gaps = []          # (last, seq) of every gap found
        self.pages = []         # sizes of the catch-up pages
        self.sub = None

    def subscribe(self, prefix=b""):
        sub = self.ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        mon = sub.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
        sub.setsockopt(zmq.SUBSCRIBE, prefix)
        sub.connect(self.endpoint)
        # The document gives no way to learn that the subscription has reached aynid (slow
        # joiner, 7.3).  Wait for the ZMTP handshake, then a little for the subscription
        # message to be read by aynid's I/O thread: the catch-up covers anything earlier.
        if not mon.poll(CALL_TIMEOUT_MS):
            raise TimeoutError("SUB socket never connected to %s" % self.endpoint)
        mon.recv_multipart()
        sub.disable_monitor()
        mon.close(0)
        time.sleep(0.2)
        self.sub = sub

    def unsubscribe(self):
        self.sub.close(0)
        self.sub = None

    def _process(self, body):
        assert body["seq"] == self.last + 1, (body["seq"], self.last)
        self.processed.append(body)
        self.last = body["seq"]

    def catch_up(self, limit=1000):
        while True:
            res = self.client.ok("events.since", {"since": self.last, "limit": limit})
            page = res["events"]
            self.pages.append(len(page))
            for body in page:
                self._process(body)
            if len(page) < limit or self.last == res["head"]:
                return res["head"]

    def on_live(self, topic, body):
        self.live.append((topic, body))
        seq = body["seq"]
        if seq <= self.last:
            self.duplicates.append(seq)
        elif seq == self.last + 1:
            self._process(body)
        else:
            self.gaps.append((self.last, seq))
            self.catch_up()
            if seq == self.last + 1:
                self._process(body)
            elif seq <= self.last:
                pass     # the catch-up covered it
            else:
                raise AssertionError("gap not filled by events.since: last %d, live %d"
                                     % (self.last, seq))

    def pump(self, until_seq, timeout=EVENT_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while self.last < until_seq:
            left = deadline - time.monotonic()
            if left <= 0 or not self.sub.poll(int(left * 1000) + 1):
                raise AssertionError("waited %.1f s for event %d; last processed %d"
                                     % (timeout, until_seq, self.last))
            frames = self.sub.recv_multipart()
            assert len(frames) == 2, "an event is two frames (7): got %d" % len(frames)
            self.on_live(frames[0].decode("utf-8"), json.loads(frames[1]))

    def drain(self, quiet=0.3):
        """Read whatever is still queued (duplicates, say) for `quiet` seconds."""
        while self.sub.poll(int(quiet * 1000)):
            frames = self.sub.recv_multipart()
            self.on_live(frames[0].decode("utf-8"), json.loads(frames[1]))


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


def strip_tokens(shipment):
    s = without(shipment, "token")
    s["packages"] = [without(p, "token") for p in shipment["packages"]]
    return s


class ProtocolInterop(unittest.TestCase):
    """The tests run in name order and share one aynid and one ledger."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ayni-interop-")
        cls.api_ep = "ipc://%s/api" % cls.tmp
        cls.events_ep = "ipc://%s/events" % cls.tmp
        cls.stderr_lines = []
        ready = threading.Event()
        cls.proc = subprocess.Popen(
            [AYNID, "--insecure", "--db", os.path.join(cls.tmp, "a.db"),
             "--keys", os.path.join(cls.tmp, "keys"), "--api", cls.api_ep,
             "--events", cls.events_ep],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def read_stderr():
            for raw in cls.proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                cls.stderr_lines.append(line)
                if line.startswith("aynid ready"):
                    ready.set()
        cls.reader = threading.Thread(target=read_stderr, daemon=True)
        cls.reader.start()
        if not ready.wait(10):
            cls.proc.kill()
            raise RuntimeError("aynid did not say it was ready:\n" + "\n".join(cls.stderr_lines))
        cls.ctx = zmq.Context()
        cls.c = Client(cls.ctx, cls.api_ep)
        cls.f = Follower(cls.ctx, cls.events_ep, cls.c)
        cls.f.subscribe()                      # 7.3 step 1: subscribe first
        cls.state = {}

    @classmethod
    def tearDownClass(cls):
        if cls.f.sub is not None:
            cls.f.unsubscribe()
        cls.c.close()
        cls.ctx.term()
        if cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        cls.reader.join(2)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------
    def head(self):
        info = self.c.ok("server.info")
        return info["events"]["head"]

    def mutate(self, op, args, idem=None, expect_types=()):
        """Run a mutating op, follow the live stream up to the new head, and check that the
        events it caused are exactly `expect_types`, in that order, with the common keys."""
        before = self.f.last
        self.assertEqual(self.head(), before, "head moved before %s" % op)
        result = self.c.ok(op, args, idem)
        head = self.head()
        self.f.pump(head)
        events = self.f.processed[before:head]
        self.assertEqual([e["type"] for e in events], list(expect_types),
                         "events of %s" % op)
        for e in events:
            self.check_common(e)
        return result, events

    def check_common(self, e):
        self.assertTrue(COMMON_KEYS <= set(e), "common keys of %r" % e)
        self.assertIsInstance(e["seq"], int)
        self.assertRegex(e["at"], TIME_RE)
        self.assertEqual(e["actor"], "local")
        self.assertRegex(e["hash"], HEX64_RE)

    def body(self, e):
        return without(e, *COMMON_KEYS)

    # -- 1: malformed requests (section 2) --------------------------------------------------
    def test_1_malformed_request(self):
        # Not JSON: refused at step 2, so the id is null.
        reply = json.loads(self.c.send_raw([b"hello"])[-1])
        self.assertEqual(set(reply), {"v", "id", "ok", "error"})
        self.assertEqual(reply["v"], 1)
        self.assertIsNone(reply["id"])
        self.assertIs(reply["ok"], False)
        err = reply["error"]
        self.assertEqual(err["code"], "bad_json")
        self.assertIsInstance(err["message"], str)
        self.assertTrue(err["message"])
        self.assertTrue(set(err) <= {"code", "message", "details"})
        if "details" in err:
            self.assertIsInstance(err["details"], dict)

        # From step 3 on the reply carries the id; unknown arguments name the field.
        reply = self.c.call("location.list", {"knd": "warehouse"})
        self.assertFalse(reply["ok"])
        self.assertEqual(reply["error"]["code"], "bad_request")
        self.assertEqual(reply["error"]["details"]["field"], "knd")
        reply = self.c.call("item.lst")
        self.assertEqual(reply["error"]["code"], "unknown_op")
        self.assertEqual(reply["error"]["details"]["suggestion"], "item.list")
        reply = self.c.call("item.list", v=2)
        self.assertEqual(reply["error"]["code"], "bad_version")

        # Section 1, envelope: a DEALER sending the REQ delimiter gets it back; frames of
        # its own before the request are refused, and none comes back.
        body = json.dumps({"v": 1, "id": "env", "op": "keys.public"}).encode()
        frames = self.c.send_raw([b"", body])
        self.assertEqual(frames[0], b"")
        self.assertEqual(json.loads(frames[-1])["id"], "env")
        frames = self.c.send_raw([b"env-a", b"", body])
        self.assertEqual(len(frames), 1)
        reply = json.loads(frames[0])
        self.assertIsNone(reply["id"])
        self.assertEqual(reply["error"]["code"], "bad_request")
        self.assertEqual(reply["error"]["details"]["frames"], 3)

        # The service keeps answering, and nothing was recorded.
        self.assertEqual(self.head(), 0)

    # -- 2: the whole flow, followed live ------------------------------------------------
    def test_2_flow(self):
        c, f, st = self.c, self.f, self.state
        # 7.3 step 2: catch up (nothing yet on a new ledger).
        self.assertEqual(f.catch_up(), 0)

        keys = c.ok("keys.public")
        self.assertEqual(keys["algorithm"], "ed25519")
        self.assertEqual(hashlib.blake2b(bytes.fromhex(keys["public_key"]),
                                         digest_size=32).digest()[:4].hex(), keys["key_id"])
        st["keys"] = keys

        item, ev = self.mutate("item.add", {
            "code": "FOOD-KIT", "name_es": "Kit de alimentos", "name_en": "Food kit",
            "tracking": "lot", "perishable": True, "low": 95}, expect_types=["item.added"])
        self.assertEqual(item["tracking"], "lot")
        self.assertEqual(item["unit"], "kit")
        self.assertEqual(self.body(ev[0]), {"item": item})

        wh, ev = self.mutate("location.add", {
            "code": "ALM-LIMA", "kind": "warehouse", "name": "Almacén Lima", "region": "Lima"},
            expect_types=["location.added"])
        self.assertIsNone(wh["district"])
        self.assertEqual(self.body(ev[0]), {"location": wh})

        com, ev = self.mutate("location.add", {
            "code": "COM-0042", "kind": "community", "name": "Comunidad Q'ero",
            "region": "Cusco", "district": "Paucartambo"}, expect_types=["location.added"])
        self.assertEqual(self.body(ev[0]), {"location": com})

        donor, ev = self.mutate("donor.add", {"code": "UNICEF", "name": "UNICEF Perú"},
                                expect_types=["donor.added"])
        self.assertEqual(self.body(ev[0]), {"donor": donor})

        expiry = (datetime.date.today() + datetime.timedelta(days=3 * 365)).isoformat()
        st["expiry"] = expiry
        rcv_args = {"at": "ALM-LIMA", "donor": "UNICEF", "item": "FOOD-KIT",
                    "lot": "L-1", "expiry": expiry, "qty": 100, "note": "camión 1 ✓"}
        receipt, ev = self.mutate("stock.receive", rcv_args, idem="rcv-" + str(uuid.uuid4()),
                                  expect_types=["stock.received"])
        self.assertEqual((receipt["qty"], receipt["lot"], receipt["expiry"]), (100, "L-1", expiry))
        self.assertRegex(receipt["receipt"], r"^REC-\d{4}-\d+$")
        self.assertEqual(self.body(ev[0]), receipt)

        # Idempotency (section 3): a repeat returns the stored result, emits nothing.
        idem = "rcv-" + str(uuid.uuid4())
        first, _ = self.mutate("stock.receive", dict(rcv_args, qty=1, note=None), idem=idem,
                               expect_types=["stock.received"])
        again, _ = self.mutate("stock.receive", dict(rcv_args, qty=1, note=None), idem=idem,
                               expect_types=[])
        self.assertEqual(again, first)
        # The same key with other arguments is another request: a conflict, nothing done.
        reply = c.call("stock.receive", dict(rcv_args, qty=7), idem=idem)
        self.assertEqual(reply["error"]["code"], "conflict")
        self.assertEqual(self.head(), f.last)
        reply = c.call("donor.add", {"code": "OTHER", "name": "x"}, idem=idem)
        self.assertEqual(reply["error"]["code"], "conflict")
        self.assertEqual(self.head(), f.last)

        levels = c.ok("stock.levels", {"at": "ALM-LIMA", "item": "FOOD-KIT"})
        self.assertEqual([(r["lot"], r["qty"], r["donor"], r["expired"]) for r in levels],
                         [("L-1", 101, "UNICEF", False)])

        shp, ev = self.mutate("shipment.create", {
            "from": "ALM-LIMA", "to": "COM-0042", "team": "Equipo 3", "vehicle": "ABC-123"},
            expect_types=["shipment.created"])
        code = shp["code"]
        st["shipment"] = code
        self.assertRegex(code, r"^ENV-\d{4}-\d+$")
        self.assertEqual(shp["state"], "draft")
        self.assertEqual(shp["to"]["code"], "COM-0042")
        self.assertEqual(self.body(ev[0]), {"shipment": code, "detail": shp})

        line, ev = self.mutate("shipment.add_line", {
            "shipment": code, "item": "FOOD-KIT", "qty": 11, "packages": 2},
            expect_types=["shipment.line_added"])
        self.assertEqual((line["line"], line["qty"], line["packages"]), (1, 11, 2))
        self.assertEqual([(l["lot"], l["qty"]) for l in line["lots"]], [("L-1", 11)])
        self.assertEqual(self.body(ev[0]), line)

        # Dispatch: 101 -> 90 at ALM-LIMA crosses the threshold 95, so stock.low follows.
        disp, ev = self.mutate("shipment.dispatch", {"shipment": code},
                               idem="dispatch-" + code,
                               expect_types=["shipment.dispatched", "stock.low"])
        self.assertEqual(disp["state"], "dispatched")
        self.assertEqual(disp["package_count"], 2)
        self.assertEqual(disp["transit"]["code"], "TRANSIT-" + code)
        # "each line's quantity is split as evenly as it goes over its packages"
        self.assertEqual(sorted(p["qty"] for p in disp["packages"]), [5, 6])
        self.assertEqual([p["number"] for p in disp["packages"]], [1, 2])
        self.assertTrue(all(p["delivered"] is False for p in disp["packages"]))
        self.assertEqual(self.body(ev[0]), {"shipment": code, "detail": strip_tokens(disp)})
        self.assertEqual(self.body(ev[1]), {"location": "ALM-LIMA", "item": "FOOD-KIT",
                                            "qty": 90, "threshold": 95, "unit": "kit"})
        for e in ev:
            self.assertNotIn("token", json.dumps(e), "events never carry tokens (8)")
        # shipment.get returns the same tokens (signatures are deterministic).
        got = c.ok("shipment.get", {"shipment": code})
        self.assertEqual(got["token"], disp["token"])
        self.assertEqual([p["token"] for p in got["packages"]],
                         [p["token"] for p in disp["packages"]])

        # The tokens, decoded and verified as TOKENS.md says.
        for number, text in [(0, disp["token"])] + [(p["number"], p["token"])
                                                    for p in disp["packages"]]:
            tok = decode_token(text, keys["public_key"])
            self.assertEqual(tok, {"version": 1, "key_id": keys["key_id"], "package": number,
                                   "count": 2, "shipment": code, "dest": "COM-0042",
                                   "genuine": True})
        st["dispatch"] = disp

        levels = {r["location"]: r["qty"] for r in c.ok("stock.levels", {"item": "FOOD-KIT"})}
        self.assertEqual(levels, {"ALM-LIMA": 90, "TRANSIT-" + code: 11})

        # Confirm package 1 with its label's token, taken from the dispatch result.
        pkg1 = disp["packages"][0]
        scan_id = str(uuid.uuid4())
        st["scan1"] = scan_id
        conf_args = {"token": pkg1["token"], "scan_id": scan_id,
                     "device_time": "2026-11-22T10:00:00-05:00", "team": "Equipo 3",
                     "device": "phone-7",
                     "lines": [{"line": 1, "received": pkg1["qty"] - 1, "reason": "damaged"}]}
        conf, ev = self.mutate("delivery.confirm", conf_args,
                               expect_types=["delivery.confirmed", "delivery.discrepancy"])
        self.assertEqual((conf["shipment"], conf["package"], conf["packages"]), (code, 1, [1]))
        self.assertEqual(conf["lines"], [{"line": 1, "item": "FOOD-KIT",
                                          "expected": pkg1["qty"], "received": pkg1["qty"] - 1,
                                          "short": 1, "reason": "damaged"}])
        self.assertEqual((conf["qty_expected"], conf["qty_received"]),
                         (pkg1["qty"], pkg1["qty"] - 1))
        self.assertEqual((conf["status"], conf["shipment_state"]), ("delivered", "partial"))
        # device_time is kept in UTC; on the open loopback core the device is the client's
        # word, and that word is kept as its label too (docs/PROTOCOL.md, delivery.confirm).
        self.assertEqual(conf["scanned_at"], "2026-11-22T15:00:00Z")
        self.assertEqual((conf["device"], conf["device_label"]), ("phone-7", "phone-7"))
        self.assertRegex(conf["received_at"], TIME_RE)
        self.assertEqual(self.body(ev[0]), without(conf, "shipment_state"))
        self.assertEqual(self.body(ev[1]), {
            "scan_id": scan_id, "shipment": code, "package": 1, "line": 1, "item": "FOOD-KIT",
            "expected": pkg1["qty"], "received": pkg1["qty"] - 1, "short": 1,
            "reason": "damaged"})
        st["pkg1_qty"] = pkg1["qty"]

        levels = {r["location"]: r["qty"] for r in c.ok("stock.levels", {"item": "FOOD-KIT"})}
        self.assertEqual(levels, {"ALM-LIMA": 90, "TRANSIT-" + code: 11 - pkg1["qty"],
                                  "COM-0042": pkg1["qty"] - 1})
        loss = c.ok("stock.levels", {"at": "LOSS", "item": "FOOD-KIT"})
        self.assertEqual([r["qty"] for r in loss], [1])
        got = c.ok("shipment.get", {"shipment": code})
        self.assertEqual(got["state"], "partial")
        self.assertEqual([p["delivered"] for p in got["packages"]], [True, False])

        # The live stream: in order, consecutive, no gap, no duplicate; topic = type.
        self.assertEqual(f.gaps, [])
        self.assertEqual(f.duplicates, [])
        self.assertEqual([b["seq"] for _, b in f.live], list(range(1, f.last + 1)))
        for topic, b in f.live:
            self.assertEqual(topic, b["type"])

        # The hash chain, recomputed (7.2) and compared with what aynid reports.
        head_hash = check_chain(f.processed)
        info = c.ok("server.info")
        self.assertEqual(info["events"], {"head": f.last, "hash": head_hash})
        ver = c.ok("ledger.verify")
        self.assertTrue(ver["ok"], ver["problems"])
        self.assertEqual(ver["head"], {"seq": f.last, "hash": head_hash})
        # events.since holds the same bodies as were published.
        self.assertEqual(c.ok("events.since", {"since": 0})["events"], f.processed)

    # -- 3: disconnect, change, reconnect and catch up (7.3) -----------------------------
    def test_3_catch_up(self):
        c, f, st = self.c, self.f, self.state
        code, disp = st["shipment"], st["dispatch"]
        f.unsubscribe()
        last_before = f.last
        types = []

        def run(op, args, ev_types):
            res = c.ok(op, args)
            types.extend(ev_types)
            return res

        run("stock.receive", {"at": "ALM-LIMA", "donor": "UNICEF", "item": "FOOD-KIT",
                              "lot": "L-2", "expiry": st["expiry"], "qty": 50},
            ["stock.received"])
        adj = run("stock.adjust", {"at": "ALM-LIMA", "item": "FOOD-KIT", "qty": -3,
                                   "reason": "damaged", "note": "lluvia"}, ["stock.adjusted"])
        self.assertEqual(adj["qty"], -3)
        shp2 = run("shipment.create", {"from": "ALM-LIMA", "to": "COM-0042"},
                   ["shipment.created"])["code"]
        self.assertNotEqual(shp2, code)
        run("shipment.add_line", {"shipment": shp2, "item": "FOOD-KIT", "qty": 5},
            ["shipment.line_added"])
        run("shipment.dispatch", {"shipment": shp2}, ["shipment.dispatched"])
        cancel = run("shipment.cancel", {"shipment": shp2, "reason": "camino bloqueado"},
                     ["shipment.cancelled"])
        self.assertEqual((cancel["state"], cancel["returned"]), ("cancelled", 5))
        # A scanner re-syncing its first confirmation: same answer, "repeat", no event.
        rep = c.ok("delivery.confirm", {"token": disp["packages"][0]["token"],
                                         "scan_id": st["scan1"]})
        self.assertIs(rep.get("repeat"), True)
        self.assertEqual(rep["packages"], [1])
        # The slip confirms what is outstanding; lower case and a trailing CR LF are accepted.
        slip = run("delivery.confirm", {"token": disp["token"].lower() + "\r\n",
                                        "scan_id": str(uuid.uuid4())},
                   ["delivery.confirmed", "shipment.delivered"])
        self.assertEqual((slip["package"], slip["packages"]), (0, [2]))
        self.assertEqual(slip["shipment_state"], "delivered")
        reply = c.call("delivery.confirm", {"token": disp["packages"][1]["token"],
                                            "scan_id": str(uuid.uuid4())})
        self.assertEqual(reply["error"]["code"], "already_delivered")

        missed_head = self.head()
        self.assertEqual(missed_head, last_before + len(types))

        # Reconnect: subscribe first, then a change whose event is both live and in the
        # catch-up (so it must be dropped once as a duplicate), then catch up in pages.
        f.subscribe()
        types.append("donor.added")
        c.ok("donor.add", {"code": "WFP", "name": "Programa Mundial de Alimentos"})
        f.pages = []
        head = f.catch_up(limit=3)
        self.assertEqual(head, missed_head + 1)
        self.assertEqual(f.last, head)
        self.assertEqual(f.pages[:-1], [3] * (len(f.pages) - 1))
        # Follow live: the queued duplicate is dropped, the next change is processed.
        types.append("location.added")
        c.ok("location.add", {"code": "COM-0043", "kind": "community", "name": "Ñuñoa"})
        f.pump(head + 1)
        f.drain()
        # aynid publishes "after each batch of requests it has served, at least every
        # 200 ms" (7): events of the changes made while we were away may still have been
        # unpublished when we subscribed again, so they can come live as well.  All of
        # them are duplicates, each at most once, in order, and WFP's surely is.
        self.assertEqual(f.duplicates, sorted(set(f.duplicates)))
        self.assertTrue(all(last_before < s <= head for s in f.duplicates), f.duplicates)
        self.assertIn(head, f.duplicates)
        self.assertEqual(f.gaps, [])

        caught = f.processed[last_before:]
        self.assertEqual([e["type"] for e in caught], types)
        for e in caught:
            self.check_common(e)
        delivered = caught[types.index("shipment.delivered")]
        self.assertEqual(self.body(delivered), {
            "shipment": code, "to": slip["to"], "packages": 2, "qty_expected": 11,
            "qty_received": 10})
        cancelled = caught[types.index("shipment.cancelled")]
        self.assertEqual(self.body(cancelled), cancel)

        # No gap, no duplicate: exactly 1..head, each once; chain and head agree.
        self.assertEqual([e["seq"] for e in f.processed], list(range(1, f.last + 1)))
        head_hash = check_chain(f.processed)
        info = c.ok("server.info")
        self.assertEqual(info["events"], {"head": f.last, "hash": head_hash})
        ver = c.ok("ledger.verify")
        self.assertTrue(ver["ok"], ver["problems"])
        self.assertEqual(ver["head"], {"seq": f.last, "hash": head_hash})
        self.assertEqual(c.ok("events.since", {"since": 0, "limit": 10000})["events"],
                         f.processed)
        got = c.ok("shipment.get", {"shipment": code})
        self.assertEqual(got["state"], "delivered")
        self.assertRegex(got["closed_at"], TIME_RE)

    # -- 9: SIGTERM stops aynid cleanly --------------------------------------------------
    def test_9_sigterm(self):
        proc = self.proc
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        self.assertEqual(rc, 0, "\n".join(self.stderr_lines))


if __name__ == "__main__":
    unittest.main(verbosity=2)
