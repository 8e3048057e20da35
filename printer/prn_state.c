/* prn_state.c: what every drawing file records in the document it draws: the first
 * failure (the rest of the drawing goes on, and the save returns it) and that libharu's
 * UTF-8 encoders are on.  Below the document, font, text and drawing files, which all
 * call it; it calls none of them.
 */
#include "prn_int.h"

#include <stdarg.h>
#include <stdio.h>

void
prn__doc_fail(struct prn_doc *d, int rc, const char *fmt, ...)
{
    if (d->rc)
        return;
    d->rc = rc;
    if (d->err && d->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err, d->errlen, fmt, ap);
        va_end(ap);
    }
}

bool
prn__doc_ok(const struct prn_doc *d)
{
    return d->rc == 0;
}

void
prn__doc_utf8(struct prn_doc *d)
{
    if (!d->utf8 && HPDF_UseUTFEncodings(d->pdf) == HPDF_OK)
        d->utf8 = true;
}
