/* web_api.c: the allow-list of ops and the status mapping of web_api.h.  It must not
 * check anything aynid checks (arguments, roles, states). */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "web_api.h"

/* What a phone scanner does (scanner-client/scan_init.c and scan_sync.c): the core's key
 * and identity, its team's manifests, the confirmations and their photos; and enrolment.
 * What the dashboard's pages read (web/app/dash*.js), for a reader's browser: its figures
 * and what is behind them.  aynid decides who may use each (a scanner gets forbidden). */
static const char *const s_allowed[] = {
    "server.info",        "keys.public",       "shipment.get", "shipment.list",
    "delivery.confirm",   "photo.put",         "device.enrol", "dashboard.panorama",
    "dashboard.regions",  "stock.levels",      "report.donor", "item.list",
    "location.list",      "donor.list",        NULL};

bool
web_op_allowed(const char *op)
{
    for (const char *const *o = s_allowed; *o; o++)
        if (!strcmp(*o, op))
            return true;
    return false;
}

const char *
web_op_names(char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const char *const *o = s_allowed; *o && n < size; o++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", *o);
    return buf;
}

bool
web_op_open(const char *op)
{
    return !strcmp(op, "device.enrol");
}

unsigned
web_http_status(int code)
{
    switch (code) {
    case 0:
        return 200;
    case AYNI_EINVAL:
    case AYNI_EBADJSON:
    case AYNI_EBADREQ:
    case AYNI_EVERSION:
    case AYNI_ETOKEN:
        return 400;
    case AYNI_EDENIED:
        return 403;
    case AYNI_ENOTFOUND:
    case AYNI_EUNKNOWNOP:
        return 404;
    case AYNI_EEXISTS:
    case AYNI_ESTOCK:
    case AYNI_EEXPIRED:
    case AYNI_ESTATE:
    case AYNI_EDELIVERED:
    case AYNI_ECONFLICT:
        return 409;
    case AYNI_ETOOBIG:
        return 413;
    case AYNI_EBUSY:
    case AYNI_EUNAVAILABLE:
    case AYNI_EFULL:
        return 503;
    case AYNI_ETIMEOUT:
        return 504;
    default: /* storage_error, corrupt, schema_too_new, io_error, internal */
        return 500;
    }
}
