/* store_error.c: how the store records a failure: the message and details of the last
 * error, and SQLite's result codes mapped onto ours.  Below every other store file: it
 * calls none of them, so that all of them (store.c included) can fail through it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lang.h"
#include "store_int.h"

void
core__clear_error(core_store_t *s)
{
    s->errmsg[0] = '\0';
    json_decref(s->errdetails);
    s->errdetails = NULL;
}

int
core__fail(core_store_t *s, int code, json_t *details, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, ayni_tr(fmt), ap);
    va_end(ap);
    json_decref(s->errdetails);
    s->errdetails = details;
    return code;
}

int
core__map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return AYNI_EFULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return AYNI_EBUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return AYNI_ECORRUPT;
    case SQLITE_CONSTRAINT:
        return AYNI_ECONFLICT;
    default:
        return AYNI_ESTORAGE;
    }
}

int
core__dberr(core_store_t *s, int rc, const char *doing)
{
    int code = core__map_rc(rc);
    const char *hint = "";
    if (code == AYNI_EFULL)
        hint = ": free disk space, then retry";
    else if (code == AYNI_EBUSY)
        hint = ": another process holds the database; stop it or retry";
    else if (code == AYNI_ECORRUPT)
        hint = ": restore the database from a backup";
    return core__fail(s, code, NULL, "cannot %s: %s%s", doing, sqlite3_errmsg(s->db), hint);
}

const char *
core_store_errmsg(const core_store_t *s)
{
    return s->errmsg[0] ? s->errmsg : "no error";
}

json_t *
core_store_errdetails(const core_store_t *s)
{
    return s->errdetails;
}
