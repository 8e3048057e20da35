#!/usr/bin/python3
"""slips.py: the Python peer of the slip benchmark (docs/BENCHMARKS.md).

Renders, with Debian's python3-reportlab and python3-qrcode, what `ayni-warehouse slips`
writes for each shipment: the A4 delivery slip (same texts, fonts, sizes, boxes, rules,
table and QR size) and one A6 label per package (same QR size), one compressed PDF a
shipment.  Positions are those of ayni-bench-draw (bench/bench_draw_pages.c), taken from
the printer's own pages; a cell wraps with reportlab's simpleSplit; the slip is one page
(the benchmark's shipments have at most three lines).  The QR is drawn as our printer
draws it: one filled path of a rectangle per run of dark modules in a row.

usage: /usr/bin/python3 slips.py --input SHIPMENTS.json --out DIR [--jobs N] [--count N]
SHIPMENTS.json is what bench/peer/fetch.py writes, read before the clock starts.  The
clock covers rendering, writing the files and one os.sync() at the end, as `slips` syncs
once.  --jobs N renders in N processes (default 1: a plain script).  Prints RESULT lines
slips.peer (slips with labels per second) and slips.peer.batchN (seconds for N).
Run it with /usr/bin/python3: Debian's packages are not on other interpreters' paths.
"""
import argparse
import json
import multiprocessing
import os
import sys
import time

import qrcode
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

W4, H4, W6, H6, M = 595.276, 841.89, 297.638, 419.528, 36.0
R = W4 - M
SUB = 0.42
HELV, BOLD = "Helvetica", "Helvetica-Bold"
COLS = [("Nº", "No.", 20, "c"), ("Artículo", "Item", 112, "l"),
        ("Lote · vence / series", "Lot · expires / serials", 150, "l"),
        ("Cantidad", "Quantity", 52, "r"), ("Bultos", "Packages", 38, "r"),
        ("Donante", "Donor", 61, "l"), ("Recibido", "Received", 44, "c"),
        ("Falta y\nmotivo", "Short, reason", 46, "c")]


def text(c, font, size, grey, x, y, align, s):
    """s at x, y: align l, r (ending at x) or c (centred on x); returns its width."""
    c.setFont(font, size)
    c.setFillGray(grey)
    w = stringWidth(s, font, size)
    c.drawString(x - w if align == "r" else x - w / 2 if align == "c" else x, y, s)
    return w


def label(c, x, y, size, es, en):
    w = text(c, BOLD, size, 0.1, x, y, "l", es)
    return w + text(c, HELV, size * 0.88, SUB, x + w, y, "l", " / " + en)


def para(c, font, size, grey, x, y, width, s, draw=True):
    """s wrapped to width from baseline y down; returns the number of lines."""
    lines = simpleSplit(s, font, size, width) or [""]
    if draw:
        for i, line in enumerate(lines):
            text(c, font, size, grey, x, y - i * size * 1.22, "l", line)
    return len(lines)


def line(c, x1, y1, x2, y2, width, grey, dash=None):
    c.setLineWidth(width)
    c.setStrokeGray(grey)
    if dash:
        c.setDash(*dash)
    c.line(x1, y1, x2, y2)
    if dash:
        c.setDash()


def box(c, x, y, w, h, width, grey, fill=False):
    if fill:
        c.setFillGray(grey)
        c.rect(x, y, w, h, stroke=0, fill=1)
    else:
        c.setLineWidth(width)
        c.setStrokeGray(grey)
        c.rect(x, y, w, h, stroke=1, fill=0)


def qr(c, data, side, x, top, shift):
    """The QR of data, side points wide with its quiet zone, whose top-left corner is at
    x, top (moved by the quiet zone if shift, to align the symbol itself)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         box_size=1)
    code.add_data(data)
    code.make(fit=True)
    rows = code.get_matrix()
    mod = side / len(rows)
    x0, y0 = x + (4 * mod if shift else 0), top + (4 * mod if shift else 0)
    p = c.beginPath()
    for r, row in enumerate(rows):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            p.rect(x0 + start * mod, y0 - (r + 1) * mod, (col - start) * mod, mod)
    c.setFillGray(0)
    c.drawPath(p, stroke=0, fill=1)
    return mod


def date(iso):
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if iso and len(iso) >= 10 else ""


def row(c, top, cells, shade):
    """One table row (cells: per column a list of (text, font, size, grey)); its height."""
    counts = []
    for (_, _, w, al), cell in zip(COLS, cells):
        counts.append([para(c, f, sz, g, 0, 0, w - 6, s, False) if al == "l" else 1
                       for s, f, sz, g in cell])
    h = max(sum(n * p[2] * 1.22 for n, p in zip(ns, cell)) for ns, cell in zip(counts, cells))
    h += 5.2
    if shade < 1:
        box(c, M, top - h, 523, h, 0, shade, True)
    x = M
    for (_, _, w, al), cell, ns in zip(COLS, cells, counts):
        y = top - 2.6
        ax = x + 3 if al == "l" else x + w - 3 if al == "r" else x + w / 2
        for (s, f, sz, g), n in zip(cell, ns):
            if al == "l":
                para(c, f, sz, g, ax, y - sz * 0.95, w - 6, s)
            else:
                text(c, f, sz, g, ax, y - sz * 0.95, al, s)
            y -= n * sz * 1.22
        line(c, x, top, x, top - h, 0.3, 0.72)
        x += w
    line(c, x, top, x, top - h, 0.3, 0.72)
    line(c, M, top - h, x, top - h, 0.3, 0.72)
    return h


def table_head(c, top):
    h, x = 30.332, M
    box(c, M, top - h, 523, h, 0, 0.9, True)
    for es, en, w, al in COLS:
        ax = x + 3 if al == "l" else x + w - 3 if al == "r" else x + w / 2
        y = top - 9.44
        for part in es.split("\n"):
            text(c, BOLD, 7.2, 0, ax, y, al, part)
            y -= 8.78
        text(c, HELV, 6.2, SUB, ax, y + 0.95, al, en)
        line(c, x, top, x, top - h, 0.3, 0.72)
        x += w
    line(c, x, top, x, top - h, 0.3, 0.72)
    line(c, M, top - h, x, top - h, 0.6, 0.35)
    return h


def line_texts(ln):
    """A shipment line's lot or serials text, its expiry, its donors."""
    lots, parts, donors, exp = ln["lots"], [], [], ""
    for lot in lots:
        if "serials" in lot:
            parts += lot["serials"]
        else:
            parts.append(f"{lot['lot']} ({lot['qty']})" if len(lots) > 1 else lot["lot"])
        if len(lots) == 1 and lot.get("expiry"):
            exp = "Vence / Expires: " + date(lot["expiry"])
        if lot["donor_name"] not in donors:
            donors.append(lot["donor_name"])
    return ", ".join(parts), exp, ", ".join(donors)


def lines_table(c, sh, y):
    lines = sh["lines"]
    y -= table_head(c, y)
    for i, ln in enumerate(lines):
        lot, exp, donors = line_texts(ln)
        if ln["tracking"] == "serial":
            c2 = [(f"Series / Serials ({ln['qty']}):", HELV, 6.8, SUB), (lot, HELV, 7, 0)]
        else:
            c2 = [("Lote / Lot: " + lot, HELV, 8.5, 0)] + ([(exp, HELV, 8.5, 0)] if exp else [])
        cells = [[(str(ln["line"]), HELV, 8.5, 0)],
                 [(ln["item_name_es"], BOLD, 8.5, 0),
                  (f"{ln['item_name_en']} · {ln['item']}", HELV, 6.8, SUB)],
                 c2, [(str(ln["qty"]), BOLD, 8.5, 0), (ln["unit"], HELV, 6.8, SUB)],
                 [(str(ln["packages"]), HELV, 8.5, 0)], [(donors, HELV, 8.5, 0)], [], []]
        y -= row(c, y, cells, 0.965 if i % 2 else 1)
    same = all(ln["unit"] == lines[0]["unit"] for ln in lines)
    qty = [(str(sum(ln["qty"] for ln in lines)), BOLD, 8.5, 0),
           (lines[0]["unit"], HELV, 6.8, SUB)] if same else []
    cells = [[], [("Total", BOLD, 8.5, 0), (f"{len(lines)} líneas / lines", HELV, 6.8, SUB)],
             [], qty, [(str(sum(ln["packages"] for ln in lines)), BOLD, 8.5, 0)], [], [], []]
    return y - row(c, y, cells, 0.9)


def write_line(c, x, y, w, es, en):
    line(c, x, y - 25, x + w, y - 25, 0.5, 0.3)
    label(c, x, y - 32, 6.5, es, en)


def signatures(c, y):
    label(c, M, y - 9, 8.5, "¡Importante! Firme solo después de contar los bultos.",
          "Sign only after counting the packages.")
    y -= 22
    box(c, M, y - 196, 200, 196, 0.8, 0.2)
    label(c, 44, y - 14, 10, "DESPACHO", "Dispatch")
    para(c, HELV, 6.8, SUB, 44, y - 26.46, 184,
         "Entregado completo al conductor. / Handed over in full to the driver.")
    for i, (es, en) in enumerate([("Conductor", "Driver"), ("Firma", "Signature"),
                                  ("Fecha y hora", "Date and time"),
                                  ("Responsable del almacén", "Warehouse officer")]):
        write_line(c, 44, y - 44 - 36 * i, 184, es, en)
    x, w, yy = 246, R - 246, y - 20
    box(c, x, y - 196, w, 196, 1.2, 0.1)
    label(c, x + 8, y - 14, 10, "RECEPCIÓN", "Receipt")
    yy -= 8.54 * para(c, HELV, 7, 0, x + 8, yy - 6.65, w - 16,
                      "Anote en cada línea la cantidad recibida. Si falta algo, anote cuánto "
                      "y el motivo: D dañado, F faltante, V vencido, R rechazado.")
    yy -= 8.3 * para(c, HELV, 6.8, SUB, x + 8, yy - 6.46, w - 16,
                     "Write the quantity received on each line. For any shortfall, write how "
                     "many and the reason: D damaged, F missing, V expired, R rejected.")
    yy -= 12
    w1 = label(c, x + 8, yy, 7.5, "¿Recibió todo conforme?", "All received?")
    for i, t in enumerate(["Sí / Yes", "No"]):
        bx = x + 8 + w1 + 10 + 50 * i
        box(c, bx, yy - 1, 7, 7, 0.6, 0)
        text(c, HELV, 7.5, 0, bx + 10, yy, "l", t)
    yy -= 4
    write_line(c, x + 8, yy, w - 110, "Dirigente de la comunidad", "Community leader")
    write_line(c, x + 8, yy - 36, w - 110, "Firma", "Signature")
    write_line(c, x + 8, yy - 72, w - 110, "Fecha y hora", "Date and time")
    sx, sy = R - 92, yy - 102
    for x1, y1, x2, y2 in [(sx, sy, sx + 84, sy), (sx, sy + 84, sx + 84, sy + 84),
                           (sx, sy, sx, sy + 84), (sx + 84, sy, sx + 84, sy + 84)]:
        line(c, x1, y1, x2, y2, 0.5, 0.4, (3, 3))
    text(c, BOLD, 8, 0.5, sx + 42, sy + 44, "c", "Sello")
    text(c, HELV, 6.8, SUB, sx + 42, sy + 35, "c", "Stamp")
    y -= 206
    box(c, M, y - 102, R - M, 102, 0.6, 0.4)
    label(c, 44, y - 14, 10, "OBSERVACIONES", "Remarks")
    for i in range(1, 5):
        line(c, 44, y - 22 - 18 * i, R - 8, y - 22 - 18 * i, 0.4, 0.72)


def place(c, x, es, en, p, bw, bg):
    box(c, x, 625.07, 256.638, 56.33, bw, bg)
    label(c, x + 6, 667.9, 7.5, es, en)
    text(c, BOLD, 10.5, 0, x + 6, 653.42, "l", p["name"])
    text(c, HELV, 7.5, 0.25, x + 6, 643.46, "l", p["code"])
    text(c, HELV, 8.5, 0, x + 6, 633.36, "l", f"{p.get('district') or ''} · {p.get('region') or ''}")


def slip(c, sh):
    c.setPageSize((W4, H4))
    mod = qr(c, sh["token"], 116, R - 116, H4 - M, True)
    q, qx = 4 * mod, R - 116 + 4 * mod
    text(c, BOLD, 7, 0, qx + 58, H4 - M - 116 + 2 * q - 8, "c", "Escanear al recibir")
    text(c, HELV, 6.8, SUB, qx + 58, H4 - M - 116 + 2 * q - 16, "c", "Scan on receipt")
    text(c, BOLD, 8.5, 0.3, M, 797.815, "l", "Ayni · distribución de ayuda humanitaria")
    text(c, BOLD, 20, 0, M, 772.52, "l", "GUÍA DE REMISIÓN")
    text(c, HELV, 11, SUB, M, 758.52, "l", "Delivery slip")
    label(c, M, 741.02, 6.5, "Número", "Number")
    text(c, BOLD, 13, 0, M, 725.17, "l", sh["code"])
    label(c, 286.5, 741.02, 6.5, "Fecha", "Date")
    text(c, BOLD, 13, 0, 286.5, 725.17, "l", date(sh["dispatched_at"]))
    place(c, M, "ORIGEN", "Origin", sh["from"], 0.6, 0.4)
    place(c, 302.638, "DESTINO", "Destination", sh["to"], 1.2, 0.1)
    for i, (es, en, v) in enumerate([("Equipo", "Team", sh.get("team")),
                                     ("Vehículo", "Vehicle", sh.get("vehicle")),
                                     ("Conductor", "Driver", None)]):
        label(c, M + 174.425 * i, 610.57, 6.5, es, en)
        text(c, HELV, 8.5, 0, M + 174.425 * i, 599.0, "l", v or "—")
    signatures(c, lines_table(c, sh, 586.7) - 12)
    line(c, M, 32, R, 32, 0.4, 0.72)
    en = "  /  Page 1 of 1"
    text(c, BOLD, 7.5, 0, R - stringWidth(en, HELV, 6.8), 22, "r", "Página 1 de 1")
    text(c, HELV, 6.8, SUB, R, 22, "r", en)
    text(c, HELV, 6.8, SUB, M, 22, "l", f"Guía de remisión {sh['code']} · Ayni")
    c.showPage()


def label_page(c, sh, p, count):
    c.setPageSize((W6, H6))
    to, frm = sh["to"], sh["from"]
    ln = next(x for x in sh["lines"] if x["line"] == p["line"])
    what = f"{p['qty']} {ln['unit']} — {ln['item_name_es']}"
    orig = f"Origen / Origin: {frm['name']} ({frm['code']})"
    nn = para(c, BOLD, 15, 0, 0, 0, 261.638, to["name"], False)
    nw = para(c, BOLD, 9.5, 0, 0, 0, 261.638, what, False)
    no = para(c, HELV, 7, 0.2, 0, 0, 261.638, orig, False)
    h1, h3 = 33.35 + 18.3 * nn, 62.446 + 11.59 * nw + 8.54 * no
    room = H6 - 42 - h1 - h3
    side = min(room, 210)
    qr(c, p["token"], side, (W6 - side) / 2, H6 - 21 - h1 - (room - side) / 2, False)
    label(c, 18, 393.528, 8, "DESTINO", "Destination")
    para(c, BOLD, 15, 0, 18, 375.278, 261.638, to["name"])
    y = 389.528 - 18.3 * nn
    text(c, HELV, 10, 0, 18, y - 9.5, "l", f"{to.get('district') or ''} · {to.get('region') or ''}")
    text(c, HELV, 7.5, 0.3, 18, y - 19.325, "l", to["code"])
    y = 18 + h3
    text(c, BOLD, 16, 0, W6 / 2, y - 15, "c", f"Paquete {p['number']} de {count}")
    text(c, HELV, 9, SUB, W6 / 2, y - 26, "c", f"Package {p['number']} of {count}")
    label(c, 18, y - 39, 7, "Contenido", "Contents")
    y -= 42 + 11.59 * para(c, BOLD, 9.5, 0, 18, y - 51.03, 261.638, what)
    text(c, HELV, 6.8, SUB, 18, y - 6.46, "l", ln["item_name_en"])
    text(c, BOLD, 7.5, 0, 18, y - 18.425, "l", f"Envío / Shipment: {sh['code']}")
    para(c, HELV, 7, 0.2, 18, y - 27.1, 261.638, orig)
    c.showPage()


def render(args):
    """Write shipment sh's PDF into folder out."""
    sh, out = args
    c = canvas.Canvas(os.path.join(out, sh["code"] + ".pdf"), pagesize=(W4, H4),
                      pageCompression=1)
    c.setTitle(f"Guía y etiquetas {sh['code']}")
    c.setCreator("Ayni")
    slip(c, sh)
    for p in sh["packages"]:
        label_page(c, sh, p, len(sh["packages"]))
    c.save()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--count", type=int, default=0, help="only the first N shipments")
    a = ap.parse_args()
    with open(a.input, encoding="utf-8") as f:
        shipments = json.load(f)
    if a.count:
        shipments = shipments[:a.count]
    if not shipments or a.jobs < 1:
        sys.exit("slips.py: no shipments in '%s', or --jobs below 1" % a.input)
    os.makedirs(a.out)
    work = [(sh, a.out) for sh in shipments]
    pool = multiprocessing.Pool(a.jobs) if a.jobs > 1 else None
    t0 = time.perf_counter()
    if pool:
        pool.map(render, work, chunksize=8)
    else:
        for w in work:
            render(w)
    os.sync()
    t = time.perf_counter() - t0
    if pool:
        pool.close()
        pool.join()
    n = len(shipments)
    print(f"RESULT\tslips.peer\t{n / t:.6g}\tslips/s", flush=True)
    print(f"RESULT\tslips.peer.batch{n}\t{t:.6g}\ts", flush=True)


if __name__ == "__main__":
    main()
