/* printer.h: Ayni's printed documents as PDF — delivery slips, package labels,
 * donor delivery reports and stock movement reports.
 *
 * Pure rendering: data in, PDF out.  Nothing here opens a socket or a database,
 * reads the clock for anything but the PDF's creation date, or keeps state
 * between calls; the caller gathers the data (from the core) and owns it.
 *
 * All text is UTF-8.  Spanish comes first on every document, English below it in
 * smaller grey type.  Text that Windows-1252 covers (all of Spanish) is set in
 * Helvetica; any string with a character outside it (Quechua or Aymara letters,
 * for instance) is set in an embedded DejaVu Sans, so nothing prints as '?'.
 *
 * Every function validates all of its input before drawing anything and returns 0
 * or a negative AYNI_E... code (core/lib/error.h) with a message in err:
 *   AYNI_EINVAL    a field is missing, not UTF-8, or out of range (the message
 *                  names the field, e.g. "invalid UTF-8 in 'lines[3].item_name_es'")
 *   AYNI_EIO       the file could not be written, or a font file could not be read
 *   AYNI_EINTERNAL libharu failed
 * On failure no file is left at path and *pdf is left NULL.
 *
 * The *_render variants return the PDF in a new buffer the caller frees with free();
 * the *_write variants write it to path through a temporary file and a rename.
 * Dates are "YYYY-MM-DD" and are printed as dd/mm/yyyy.  Quantities are whole units.
 * Names and codes are at most 160 bytes, other texts 2,000 (the slip's remarks
 * 1,000), tokens 512: enough for any real name, and it keeps every layout on paper.
 *
 * Environment: AYNI_FONT_DIR overrides /usr/share/fonts/truetype/dejavu;
 * SOURCE_DATE_EPOCH, if set, is the creation date (reproducible output).
 * err may be NULL only if errlen is 0.  No function keeps state between calls (the
 * built-in fonts' glyph widths, which never change, are tabled once per process), and
 * documents share nothing: several threads may render at once.
 */
#ifndef AYNI_PRINTER_H
#define AYNI_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A warehouse or a community.  code and name are required; region and district
 * are printed when given. */
struct prn_place {
    const char *code;     /* "ALM-LIMA-SJL" */
    const char *name;     /* "Almacén San Juan de Lurigancho" */
    const char *region;   /* "Lima", "Huánuco" */
    const char *district; /* "San Juan de Lurigancho", "Amarilis" */
};

/* One line of a shipment.  A lot-tracked item has lot (and expiry, required by the
 * core for food and medical kits); a serial-tracked item lists one serial per unit,
 * so nserials, when not 0, equals qty. */
struct prn_slip_line {
    int line_no;                  /* >= 1, unique in the slip */
    const char *item_code;        /* required: "HYGIENE-KIT" */
    const char *item_name_es;     /* required: "Kit de higiene" */
    const char *item_name_en;     /* optional: "Hygiene kit" */
    const char *unit;             /* optional: "kits", "unid." */
    const char *lot;              /* optional */
    const char *expiry;           /* optional, YYYY-MM-DD */
    const char *const *serials;   /* nserials serial numbers, each required */
    size_t nserials;
    long qty;                     /* >= 1 */
    int packages;                 /* packages this line travels in, >= 0 */
    const char *donor;            /* required: "CARE Perú" */
};

/* One package of a shipment: what its label says and the token its QR holds. */
struct prn_package {
    int number;           /* 1..count */
    int count;            /* packages in the shipment, >= 1 */
    int line_no;          /* the slip line it carries, or 0 for mixed contents */
    long qty;             /* units in it, >= 0 (0: not stated) */
    const char *contents; /* optional: "40 kits de higiene"; made from line and qty if NULL */
    const char *token;    /* required: the signed token (upper-case Base32) */
};

/* A dispatched shipment: everything its slip and its labels show. */
struct prn_slip {
    const char *code;     /* required: the shipment code, printed as the slip number */
    const char *date;     /* required: dispatch date, YYYY-MM-DD */
    const char *org_name; /* optional: the organisation, printed at the top */
    struct prn_place origin;
    struct prn_place dest;
    const char *team;     /* optional: delivery team */
    const char *vehicle;  /* optional: plate or description */
    const char *driver;   /* optional: printed on the driver's line, else left blank */
    const char *remarks;  /* optional: printed above the remarks lines */
    const struct prn_slip_line *lines; /* the slip needs at least one */
    size_t nlines;
    const char *token;    /* the shipment QR (package 0); required for the slip */
    const struct prn_package *packages; /* the labels need at least one */
    size_t npackages;
};

enum prn_label_layout {
    PRN_LABELS_A6, /* one label per A6 page */
    PRN_LABELS_A4  /* four labels per A4 page, 2 x 2, with cut marks */
};

/* Why goods did not arrive, or left stock other than by delivery. */
enum prn_reason {
    PRN_REASON_DAMAGED = 1, /* dañado */
    PRN_REASON_MISSING,     /* faltante */
    PRN_REASON_EXPIRED,     /* vencido */
    PRN_REASON_REJECTED,    /* rechazado */
    PRN_REASON_OTHER        /* otro: the note says what */
};

/* One confirmed delivery of one item to a community. */
struct prn_delivery {
    const char *date;         /* required: date delivered (scanned), YYYY-MM-DD, local day */
    const char *shipment;     /* required: shipment code */
    struct prn_place community; /* code, name and region required; grouped by region */
    const char *item_code;    /* required */
    const char *item_name_es; /* required */
    const char *unit;         /* optional */
    long qty;                 /* >= 0 */
    const char *team;         /* optional */
    bool by_scan;             /* confirmed by scanning the QR (false: entered by hand) */
    bool clock_suspect;       /* the device's clock could not be right: date is the day the
                               * core received it; the cover counts these */
};

/* Goods sent but not received as sent. */
struct prn_discrepancy {
    const char *date;         /* required */
    const char *shipment;     /* required */
    const char *community;    /* required: community name */
    const char *item_code;    /* required */
    const char *item_name_es; /* required */
    long sent;                /* >= 1 */
    long received;            /* 0..sent-1 */
    enum prn_reason reason;
    const char *note;         /* optional; expected for PRN_REASON_OTHER */
};

/* Stock still held for the donor at the end of the period. */
struct prn_held_stock {
    const char *item_code;    /* required */
    const char *item_name_es; /* required */
    const char *lot;          /* optional (serial items) */
    const char *expiry;       /* optional */
    const char *warehouse;    /* required: warehouse name */
    long qty;                 /* >= 0 */
};

/* One delivery behind a donor report's totals, for its annex (no personal data). */
struct prn_annex_row {
    const char *shipment;  /* required */
    long package;          /* 1.. the package scanned; 0: the whole shipment, by its slip */
    const char *community; /* required: the community's code */
    const char *when;      /* required: the scan time as people read it (org's zone) */
    const char *team;      /* optional */
    const char *device;    /* required: the device that confirmed */
};

/* A figure of the signed statement printed on the page: an item's total. */
struct prn_proof_item {
    const char *code; /* required */
    long qty;         /* >= 1 */
};

/* The signed statement a donor report carries (docs/PROOF.md): its QR holds qr_text,
 * and the page prints the figures beside it, for a reader (ayni-scan verify) to compare. */
struct prn_proof {
    const char *qr_text;     /* required: the statement with its signature, AYNI-R1~... */
    const char *donor_code;  /* required */
    const struct prn_proof_item *items;
    size_t nitems;
    long deliveries, scanned, communities;
    int64_t checkpoint_seq;       /* the checkpoint it was drawn at (0: none) */
    const char *checkpoint_hash;  /* required: 64 hex digits */
    const char *fingerprint;      /* required: the key's fingerprint, 32 hex digits */
    const char *key_url;          /* optional: where the organisation publishes its key */
    const struct prn_annex_row *annex; /* each delivery, in the order to print */
    size_t nannex;
};

struct prn_donor_report {
    const char *donor;        /* required: "CARE Perú" */
    const char *org_name;     /* required: the organisation reporting */
    const char *from, *to;    /* required: the period, YYYY-MM-DD, from <= to */
    const struct prn_delivery *deliveries;
    size_t ndeliveries;
    const struct prn_discrepancy *discrepancies;
    size_t ndiscrepancies;
    const struct prn_held_stock *held;
    size_t nheld;
    const char *chain_head;   /* required: hash of event chain_seq, 64 hex digits */
    int64_t chain_seq;        /* >= 1 */
    const struct prn_proof *proof; /* optional: NULL prints the chain's head as the QR */
};

/* Stock lost from a lot, by reason. */
struct prn_loss {
    enum prn_reason reason;
    long qty; /* >= 1 */
};

/* One item and lot over the period: closing = opening + in - out - lost, and the
 * losses add up to lost. */
struct prn_stock_row {
    const char *item_code;    /* required; rows are grouped by item */
    const char *item_name_es; /* required */
    const char *item_name_en; /* optional */
    const char *unit;         /* optional */
    const char *lot;          /* optional (serial items) */
    const char *expiry;       /* optional */
    const char *donor;        /* required */
    long opening, in, out, lost, closing; /* each >= 0 */
    const struct prn_loss *losses;
    size_t nlosses;
};

struct prn_stock_report {
    struct prn_place warehouse;
    const char *org_name;     /* required */
    const char *from, *to;    /* required, from <= to */
    const struct prn_stock_row *rows;
    size_t nrows;
};

/* The delivery slip (guía de remisión): A4 pages, "Página N de M" on each. */
int prn_slip_write(const struct prn_slip *slip, const char *path, char *err, size_t errlen);
int prn_slip_render(const struct prn_slip *slip, unsigned char **pdf, size_t *len, char *err,
                    size_t errlen);

/* One label per package of slip, in the given layout. */
int prn_labels_write(const struct prn_slip *slip, enum prn_label_layout layout, const char *path,
                     char *err, size_t errlen);
int prn_labels_render(const struct prn_slip *slip, enum prn_label_layout layout,
                      unsigned char **pdf, size_t *len, char *err, size_t errlen);

/* The slip pages followed by the label pages, in one PDF. */
int prn_shipment_write(const struct prn_slip *slip, enum prn_label_layout layout, const char *path,
                       char *err, size_t errlen);
int prn_shipment_render(const struct prn_slip *slip, enum prn_label_layout layout,
                        unsigned char **pdf, size_t *len, char *err, size_t errlen);

/* The donor delivery report for one donor and one period. */
int prn_donor_report_write(const struct prn_donor_report *r, const char *path, char *err,
                           size_t errlen);
int prn_donor_report_render(const struct prn_donor_report *r, unsigned char **pdf, size_t *len,
                            char *err, size_t errlen);

/* The stock movement report for one warehouse and one period. */
int prn_stock_report_write(const struct prn_stock_report *r, const char *path, char *err,
                           size_t errlen);
int prn_stock_report_render(const struct prn_stock_report *r, unsigned char **pdf, size_t *len,
                            char *err, size_t errlen);

/* A phone's enrolment sheet: one A4 page an admin hands to a delivery team.  Its QR
 * holds url (the gateway's address with the one-time code and the certificate's
 * fingerprint, docs/WEB.md); the page also prints the address, the fingerprint (to
 * compare with what the phone's browser shows), the code (to type where the QR cannot
 * be scanned) and when it expires, with the steps, in Spanish and English. */
struct prn_enrol {
    const char *device;      /* required: "telefono-huanuco-1" */
    const char *team;        /* a phone's team, "Equipo Huánuco"; NULL: a coordinator's
                                browser (role reader), whose sheet opens the dashboard */
    const char *org_name;    /* optional: the organisation, printed at the top */
    const char *gateway;     /* required: "https://192.168.1.20:8443" */
    const char *fingerprint; /* required: SHA-256 of the certificate, 64 hex digits */
    const char *code;        /* required: the one-time code, 8 to 64 letters and digits */
    const char *expires;     /* required: when the code stops working, as read locally,
                                "YYYY-MM-DD HH:MM" */
    const char *time_zone;   /* optional: the zone of expires, "America/Lima" */
    const char *url;         /* required: what the QR holds, at most 512 bytes */
};

int prn_enrol_write(const struct prn_enrol *e, const char *path, char *err, size_t errlen);
int prn_enrol_render(const struct prn_enrol *e, unsigned char **pdf, size_t *len, char *err,
                     size_t errlen);

/* Write pdf[0..len) (from a *_render function) to path as the *_write functions do:
 * through a temporary file and a rename, so that path never holds part of a file and
 * nothing is left behind on failure (AYNI_EIO, AYNI_EINVAL without path).  With sync
 * the file is on disk before the rename (fsync), as the *_write functions always do;
 * a batch of many files may leave it false and sync them all at once at its end
 * (syncfs), which on a common disk takes the time of one fsync instead of many. */
int prn_file_write(const unsigned char *pdf, size_t len, const char *path, bool sync, char *err,
                   size_t errlen);

/* The reason for a wire code ("damaged", "missing", "expired", "rejected", "other"),
 * or 0 if there is none. */
int prn_reason_from_code(const char *code);

/* The text of what the QR on a donor report holds for a chain head:
 * "AYNI-CHAIN:<seq>:<hash>", in buf (at least 96 bytes).  Returns buf. */
char *prn_chain_qr_text(char *buf, size_t buflen, int64_t seq, const char *hash);

#endif
