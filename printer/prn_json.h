/* prn_json.h: documents drawn straight from the core's JSON results.
 *
 * The one place that turns a shipment.get, report.donor or report.stock result into the
 * printer's structs, so that ayni-warehouse (on the staff's machine) and ayni-web (for
 * the dashboard's downloads) print the same document from the same answer.  Days and
 * times are shown in the process's local time zone: set the organisation's first
 * (ayni_zone_use, zone.h).  The results are only read; they outlive the call.
 */
#ifndef PRN_JSON_H
#define PRN_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "printer.h"

/* The organisation printed at the top of documents: env AYNI_ORG, or Ayni's. */
const char *prn_org_name(void);

/* A location of the core ({code, name, region, district}) as the printer's place; it
 * borrows p's strings. */
struct prn_place prn_json_place(json_t *p);

/* The slip and labels of shipment sh (a shipment.get result, with its tokens) as PDF in
 * *pdf (malloc'd, *len bytes).  0, or an AYNI_E* code and a message in err. */
int prn_json_shipment_render(json_t *sh, enum prn_label_layout layout, unsigned char **pdf,
                             size_t *len, char *err, size_t errlen);

/* The donor report of r (a report.donor result) as PDF, as above. */
int prn_json_donor_report_render(json_t *r, unsigned char **pdf, size_t *len, char *err,
                                 size_t errlen);

/* The stock report of r (a report.stock result) as PDF, as above. */
int prn_json_stock_report_render(json_t *r, unsigned char **pdf, size_t *len, char *err,
                                 size_t errlen);

#endif
