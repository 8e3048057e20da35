/* web_pdf.h: the documents a dashboard downloads (docs/WEB.md, "Downloads"):
 *
 *   GET /api/v1/shipment.slip.pdf?shipment=CODE            the slip and its labels
 *   GET /api/v1/report.donor.pdf?donor=C&from=D&to=D       a donor report
 *
 * Each is the op (shipment.get, report.donor) asked of aynid as the browser's device,
 * then drawn by the printer library from its answer (printer/prn_json.c), exactly as
 * ayni-warehouse prints it; aynid decides what the device may see. */
#ifndef AYNI_WEB_PDF_H
#define AYNI_WEB_PDF_H

#include <microhttpd.h>

#include "proto.h"

enum web_pdf { WEB_PDF_NONE, WEB_PDF_SLIP, WEB_PDF_DONOR };

/* The document a name under /api/v1/ is, or WEB_PDF_NONE. */
enum web_pdf web_pdf_kind(const char *name);

/* Reply to a GET of document kind, asked of core as device (with its secret; a NULL device
 * asks as the gateway itself, as on an open aynid). */
enum MHD_Result web_pdf_serve(proto_client_t *core, struct MHD_Connection *c, enum web_pdf kind,
                              const char *device, const char *secret);

#endif
