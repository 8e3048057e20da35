/* prn_donor_json.c: test-only: `prn-donor-json REPORT.json OUT.pdf` prints a report.donor
 * result as ayni-warehouse would (prn_json_donor_report_render), whatever it holds.
 *
 * test_wh_proof feeds it a real result with one figure or the QR's text patched: a page
 * that lies about the signed figures, which `ayni-scan verify` must catch.  Never
 * installed; ayni-warehouse prints only what aynid answered.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "printer.h"
#include "prn_json.h"
#include "zone.h"

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: prn-donor-json REPORT.json OUT.pdf\n");
        return 2;
    }
    json_error_t jerr;
    json_t *r = json_load_file(argv[1], 0, &jerr);
    char err[512];
    if (!r) {
        fprintf(stderr, "prn-donor-json: '%s': %s\n", argv[1], jerr.text);
        return 1;
    }
    ayni_zone_use("America/Lima", err, sizeof err);
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = prn_json_donor_report_render(r, &pdf, &len, err, sizeof err);
    if (rc == 0)
        rc = prn_file_write(pdf, len, argv[2], true, err, sizeof err);
    if (rc)
        fprintf(stderr, "prn-donor-json: %s\n", err);
    free(pdf);
    json_decref(r);
    return rc ? 1 : 0;
}
