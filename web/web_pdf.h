/* web_pdf.h: the documents a dashboard downloads (docs/WEB.md, "Downloads"):
 *
 *   GET /api/v1/shipment.slip.pdf?shipment=CODE            the slip and its labels
 *   GET /api/v1/report.donor.pdf?donor=C&from=D&to=D       a donor report
 *
 * Each is the op (shipment.get, report.donor) asked of aynid as the browser's device,
 * then drawn by the printer library from its answer (printer/prn_json.c), exactly as
 * ayni-warehouse prints it; aynid decides what the device (or the share link: its
 * donor's report only) may see. */
#ifndef AYNI_WEB_PDF_H
#define AYNI_WEB_PDF_H

#include <microhttpd.h>

#include "proto.h"

enum web_pdf { WEB_PDF_NONE, WEB_PDF_SLIP, WEB_PDF_DONOR };

/* The document a name under /api/v1/ is, or WEB_PDF_NONE. */
enum web_pdf web_pdf_kind(const char *name);

/* Who asks for a document: a device with its secret, or a share link's token. */
struct web_pdf_who {
    const char *device, *secret;
    const char *share;
};

/* Reply to a GET of document kind, asked of core as who. */
enum MHD_Result web_pdf_serve(proto_client_t *core, struct MHD_Connection *c, enum web_pdf kind,
                              const struct web_pdf_who *who);

#endif
